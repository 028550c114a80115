using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>Lets -Coordinator take the object New-SwarmCoordinator wrote or just its Id.</summary>
    internal sealed class CoordinatorTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value is string id)
            {
                return SwarmSession.FindCoordinator(id) ?? throw new ArgumentTransformationMetadataException(
                    $"No coordinator with Id '{id}' is open in this session" +
                    (SwarmSession.CoordinatorIds.Any() ? " (open: " + string.Join(", ", SwarmSession.CoordinatorIds.OrderBy(i => i)) + ")" : "") +
                    ". New-SwarmCoordinator makes one; a disposed coordinator's Id no longer binds.");
            }
            return inputData;
        }

        /// <summary>Core's coordinator behind the handle; CoordinatorDisposed once the handle was disposed.</summary>
        public static SwarmCoordinator Live(SwarmCoordinatorInfo info) => !info.IsDisposed ? info.Coordinator
            : throw new SwarmException(SwarmErrorIds.CoordinatorDisposed, SwarmErrorKind.InvalidArgument,
                $"The coordinator {info.Id} was disposed; make a new one with New-SwarmCoordinator.");
    }
}
