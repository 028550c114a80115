using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>
    /// The engine going away mid-swarm, simulated with a unix-socket proxy in front of the real engine that
    /// can be cut (the real daemon is shared, so it is not stopped).
    /// </summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerEngineFailureTests : DockerTestBase
    {
        public DockerEngineFailureTests(DockerImagesFixture images) : base(images) { }

        [DockerFact]
        public async Task Engine_stopping_mid_swarm_fails_requests_and_creates_with_DockerUnavailable_quickly()
        {
            RequireBusybox();
            var real = DockerEngine.ResolveEndpoint();
            if (real.Scheme != "unix")
                return; // the proxy needs a unix socket engine
            using var proxy = new UnixSocketProxy(real.LocalPath, Path.Combine(Path.GetTempPath(), "nts-proxy-" + RunId + ".sock"));
            var provider = NewProvider(new DockerSandboxOptions { Endpoint = "unix://" + proxy.Path, ReapOrphansOnStart = false });
            var sandbox = await provider.CreateAsync(BusyboxSpec("engine-down"), CancellationToken.None);
            Assert.True((await sandbox.SendAsync(Run("momentum"), TimeSpan.FromSeconds(10), CancellationToken.None)).Ok);

            var pending = sandbox.SendAsync(Run("momentum", delayMs: 20_000), TimeSpan.FromSeconds(60), CancellationToken.None);
            await Task.Delay(200);
            proxy.Cut();

            var watch = Stopwatch.StartNew();
            var during = await Assert.ThrowsAsync<SwarmException>(() => pending);
            Assert.Equal(SwarmErrorIds.DockerUnavailable, during.ErrorId);
            var create = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(BusyboxSpec("after"), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.DockerUnavailable, create.ErrorId);
            Assert.Contains("Start Docker", create.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "took " + watch.Elapsed);

            // The provider cannot remove what it made while the engine is away; CleanupAsync still returns.
            await provider.CleanupAsync();
            // What the engine still has is removed here (the reaper would do it at the next start).
            Assert.Equal(1, await DockerTestEnvironment.SweepRunAsync(RunId));
        }

        /// <summary>Forwards a unix socket to another until cut; then refuses connections.</summary>
        private sealed class UnixSocketProxy : IDisposable
        {
            private readonly string _target;
            private readonly Socket _listener;
            private readonly ConcurrentBag<Socket> _open = new ConcurrentBag<Socket>();
            private int _cut;

            public UnixSocketProxy(string target, string path)
            {
                _target = target;
                Path = path;
                if (File.Exists(path))
                    File.Delete(path);
                _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                _listener.Bind(new UnixDomainSocketEndPoint(path));
                _listener.Listen(64);
                _ = Task.Run(AcceptLoopAsync);
            }

            public string Path { get; }

            private async Task AcceptLoopAsync()
            {
                while (Volatile.Read(ref _cut) == 0)
                {
                    Socket client;
                    try
                    {
                        client = await _listener.AcceptAsync();
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target));
                    _open.Add(client);
                    _open.Add(upstream);
                    _ = PumpAsync(client, upstream);
                    _ = PumpAsync(upstream, client);
                }
            }

            private static async Task PumpAsync(Socket from, Socket to)
            {
                var buffer = new byte[81920];
                try
                {
                    while (true)
                    {
                        int n = await from.ReceiveAsync(buffer, SocketFlags.None);
                        if (n == 0)
                            break;
                        await to.SendAsync(new ArraySegment<byte>(buffer, 0, n), SocketFlags.None);
                    }
                    to.Shutdown(SocketShutdown.Send);
                }
                catch (Exception)
                {
                    // Cut or closed.
                }
            }

            public void Cut()
            {
                if (Interlocked.Exchange(ref _cut, 1) == 1)
                    return;
                _listener.Close();
                if (File.Exists(Path))
                    File.Delete(Path);
                foreach (var s in _open)
                {
                    try { s.Shutdown(SocketShutdown.Both); } catch (Exception) { }
                    s.Close();
                }
            }

            public void Dispose() => Cut();
        }
    }
}
