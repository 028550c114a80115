using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>The orphan reaper removes containers of dead owner processes and never those of live ones.</summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerOrphanReaperTests : DockerTestBase
    {
        public DockerOrphanReaperTests(DockerImagesFixture images) : base(images) { }

        [DockerFact]
        public async Task Containers_of_a_killed_owner_process_are_reaped_and_live_owners_are_untouched()
        {
            RequireBusybox();
            // A child shell plays a coordinator: it labels a container with its own host:pid:starttime via the
            // docker CLI, then waits, and is killed like a closed PowerShell window.
            var script =
                "st=$(cut -d' ' -f22 /proc/$$/stat); " +
                "docker run -d --network none --entrypoint /bin/busybox " +
                $"--label {SwarmLabels.Module}=test --label {SwarmLabels.Run}={RunId} --label {SwarmLabels.Agent}=child " +
                $"--label {SwarmLabels.Session}=\"$SESSION\" --label {SwarmLabels.Owner}=\"$OWNER_HOST:$$:$st\" {Images.BusyboxImage} sleep 600 >/dev/null && echo started && exec sleep 600";
            var start = new ProcessStartInfo("/bin/sh", new[] { "-c", script })
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.Environment["OWNER_HOST"] = Environment.MachineName;
            start.Environment["SESSION"] = SwarmLabels.CurrentSession ?? "";
            using var child = Process.Start(start)!;
            try
            {
                await RunAsync(child);
            }
            finally
            {
                if (!child.HasExited)
                    child.Kill();
            }
        }

        private async Task RunAsync(Process child)
        {
            Assert.Equal("started", await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));

            // Containers of live owners: this process, and another host that only looks dead.
            var live = await CreateLabelledAsync(ProcessOwner.Current.ToString());
            var otherHost = await CreateLabelledAsync("some-other-host-" + RunId + ":1:1");
            // Same pid as this process but another start time: pid reuse, so the owner is gone.
            var reused = await CreateLabelledAsync(new ProcessOwner(Environment.MachineName, Environment.ProcessId, "1").ToString());

            var provider = NewProvider(new DockerSandboxOptions { ReapOrphansOnStart = false });
            var childContainer = (await DockerTestEnvironment.ListByRunAsync(RunId)).Single(c => c.Labels.TryGetValue(SwarmLabels.Agent, out var a) && a == "child").ID;

            var orphansWhileAlive = await DockerOrphanReaper.FindOrphansAsync(provider.Client);
            Assert.DoesNotContain(childContainer, orphansWhileAlive);

            child.Kill();
            await child.WaitForExitAsync();

            var removed = await provider.ReapOrphansAsync();
            Assert.True(removed >= 2, "removed " + removed);
            var remaining = (await DockerTestEnvironment.ListByRunAsync(RunId)).Select(c => c.ID).ToList();
            Assert.DoesNotContain(childContainer, remaining);
            Assert.DoesNotContain(reused, remaining);
            Assert.Contains(live, remaining);
            Assert.Contains(otherHost, remaining);
            // Those two were made here on purpose; remove them so the leak check holds.
            Assert.Equal(2, await DockerTestEnvironment.SweepRunAsync(RunId));
        }

        [DockerFact]
        public async Task A_new_provider_sweeps_orphans_when_it_starts()
        {
            RequireBusybox();
            var orphan = await CreateLabelledAsync(new ProcessOwner(Environment.MachineName, int.MaxValue - 7, "42").ToString());
            var provider = NewProvider();
            await provider.StartAsync();
            await provider.CleanupAsync(); // waits for the sweep started by StartAsync
            Assert.DoesNotContain(orphan, (await DockerTestEnvironment.ListByRunAsync(RunId)).Select(c => c.ID));
        }

        [Fact]
        [Trait("Category", "Docker")]
        public void Owner_label_round_trips_and_tolerates_colons_in_the_host()
        {
            Assert.True(ProcessOwner.TryParse("my:host:123:456", out var owner));
            Assert.Equal("my:host", owner.Host);
            Assert.Equal(123, owner.Pid);
            Assert.Equal("456", owner.StartTime);
            Assert.False(ProcessOwner.TryParse("nohost", out _));
            Assert.False(ProcessOwner.TryParse("h:x:1", out _));
            Assert.True(ProcessOwner.Current.IsAlive());
            Assert.NotEqual("", ProcessOwner.Current.StartTime);
        }

        private async Task<string> CreateLabelledAsync(string owner)
        {
            var created = await DockerTestEnvironment.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = Images.BusyboxImage,
                Entrypoint = new List<string> { "/bin/busybox", "sleep", "600" },
                Labels = new Dictionary<string, string>
                {
                    [SwarmLabels.Module] = "test",
                    [SwarmLabels.Run] = RunId,
                    [SwarmLabels.Owner] = owner,
                    [SwarmLabels.Session] = SwarmLabels.CurrentSession ?? "",
                },
                HostConfig = new HostConfig { NetworkMode = "none" },
            });
            return created.ID;
        }
    }
}
