using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// Base of the learning and store cmdlets: the trajectory store of the coordinator (session default or -Coordinator),
    /// opened on first use. A wrong key, a missing key, a corrupt or busy store surface as Core's StoreExceptions, which
    /// the base's guard maps (WrongKey/KeyRequired → SecurityError, CorruptStore → InvalidData, StoreBusy → OperationTimeout).
    /// </summary>
    public abstract class SwarmStoreCmdletBase : SwarmCoordinatorCmdletBase
    {
        /// <summary>The coordinator's trajectory store.</summary>
        internal TrajectoryStore GetStore()
        {
            var coordinator = GetCoordinator();
            return Invoke(() => coordinator.Store);
        }

        /// <summary>The coordinator's learning model over its store.</summary>
        internal LearningModel GetLearning()
        {
            var coordinator = GetCoordinator();
            return Invoke(() => coordinator.Learning);
        }
    }
}
