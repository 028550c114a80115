using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>
    /// The store and learning operations the front ends call on the coordinator, over a real SQLite store fed by
    /// real process-isolated deployments on bundled prices.
    /// </summary>
    public sealed class CoordinatorFacadeTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nts-facade-" + Guid.NewGuid().ToString("N"));

        public CoordinatorFacadeTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private string Db => Path.Combine(_dir, "swarm.db");

        private SwarmOptions Options(StoreKey? key = null, string? store = null) => new SwarmOptions
        {
            Isolation = IsolationMode.Process,
            StorePath = store ?? Db,
            EncryptionKey = key,
            MaxAgents = 2,
        };

        [Fact]
        public async Task Status_verification_export_import_and_reset_agree_on_one_store()
        {
            var key = SymmetricKey.Generate();
            using var coordinator = new SwarmCoordinator(Options(key));
            Assert.Null(SwarmCoordinator.ProbeStore(Db)); // nothing recorded yet, so nothing was created
            Assert.False(File.Exists(Db));

            var results = await coordinator.DeploySwarmAsync(coordinator.PlanDeployments("momentum", new[] { "SPY", "QQQ", "IWM" }));
            Assert.All(results, r => Assert.True(r.Success, r.Error));

            var status = coordinator.GetStoreStatus();
            Assert.Equal((Db, key.KeyId, true, 3L), (status.Path, status.KeyId, status.PayloadsReadable, coordinator.CountTrajectories()));
            var probed = SwarmCoordinator.ProbeStore(Db)!; // without the key: encrypted, payloads not readable
            Assert.Equal((Db, key.KeyId, false), (probed.Path, probed.KeyId, probed.PayloadsReadable));

            var verified = SwarmCoordinator.VerifyStoreFile(Db);
            Assert.Equal((true, 3L, Db, key.KeyId), (verified.IsValid, verified.RecordsChecked, verified.Path, verified.KeyId));
            Assert.Equal(3, coordinator.GetTrajectories().Count);
            Assert.Equal(results.Select(r => r.TrajectoryId).OrderBy(i => i), coordinator.GetTrajectories().Select(t => t.Id).OrderBy(i => i));
            Assert.Equal(3, coordinator.GetLearningStats().TotalTrajectories);

            var file = Path.Combine(_dir, "state.json");
            var exported = coordinator.ExportState(file);
            Assert.Equal((3, key.KeyId), (exported.Trajectories, exported.KeyId));
            Assert.Null(coordinator.ExportState(Path.Combine(_dir, "plain.json"), decrypt: true).KeyId);

            Assert.Equal(3, coordinator.ResetLearning());
            Assert.Equal(0, coordinator.CountTrajectories());
            var imported = coordinator.ImportState(file);
            Assert.Equal((3, 0), (imported.Imported, imported.Skipped));
            Assert.True(coordinator.VerifyStore().IsValid);
        }

        [Fact]
        public void A_bad_export_is_refused_before_the_store_is_opened_so_no_store_is_created()
        {
            var other = Path.Combine(_dir, "never.db");
            using var coordinator = new SwarmCoordinator(Options(store: other));
            var file = Path.Combine(_dir, "bad.json");
            File.WriteAllText(file, "{\"format\":\"NeuralTrader.Swarm.State\",\"version\":1,\"trajectories\":{}}");
            var e = Assert.Throws<StoreException>(() => coordinator.ImportState(file));
            Assert.Equal(StoreErrorIds.CorruptStore, e.ErrorId);
            Assert.Contains("'trajectories' is not an array", e.Message);
            Assert.False(File.Exists(other));
        }

        [Fact]
        public void Without_learning_the_operations_say_to_turn_it_on()
        {
            var options = Options();
            options.LearningEnabled = false;
            using var coordinator = new SwarmCoordinator(options);
            var e = Assert.Throws<SwarmException>(() => coordinator.GetStoreStatus());
            Assert.Equal(SwarmErrorIds.InvalidConfiguration, e.ErrorId);
            Assert.Equal("Learning is off for this coordinator, so it has no trajectory store. Turn --learning on to use it.", Advice.ForCli(e.Message));
            Assert.False(File.Exists(Db));
        }
    }
}
