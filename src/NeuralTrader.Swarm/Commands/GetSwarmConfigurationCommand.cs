using System.Management.Automation;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the configuration of the session's default coordinator, or of a given coordinator.</para>
    /// <para type="description">Get-SwarmConfiguration writes the settings swarms run with: agents, sandbox limits, isolation, learning and paths. Of the encryption key only its kind (Symmetric, Hqc128KeyPair, Hqc128PublicKey) and its key id are shown, the key never.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmConfiguration</code>
    /// <para>Shows the session's settings.</para>
    /// </example>
    /// <example>
    /// <code>(Get-SwarmConfiguration).MaxAgents</code>
    /// <para>Reads one setting.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmConfiguration")]
    [OutputType(typeof(SwarmConfiguration))]
    public sealed class GetSwarmConfigurationCommand : SwarmCmdletBase
    {
        /// <summary>
        /// <para type="description">A coordinator made by New-SwarmCoordinator (or its Id) whose settings to show.</para>
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        [CoordinatorTransformation]
        [ArgumentCompleter(typeof(CoordinatorIdCompleter))]
        public SwarmCoordinatorInfo? Coordinator { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            if (Coordinator != null)
            {
            {
                var coordinator = CoordinatorTransformationAttribute.Live(Coordinator);
                WriteObject(new SwarmConfiguration(coordinator.Options, SwarmSession.KeyOf(coordinator), coordinator.Id));
            }
                return;
            }
            var session = SwarmSession.Current;
            WriteObject(new SwarmConfiguration(session.Options, session.Key, session.Existing?.Id));
        }
    }
}
