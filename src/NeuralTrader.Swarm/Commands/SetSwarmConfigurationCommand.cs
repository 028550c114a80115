using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes the configuration of the session's default swarm coordinator.</para>
    /// <para type="description">Set-SwarmConfiguration changes the settings the session's default coordinator is created with. Parameters not given keep their value. When the coordinator exists already it is recreated with the new settings and the registered strategies are carried over; a swarm running in a job finishes on the old one.</para>
    /// </summary>
    /// <example>
    /// <code>Set-SwarmConfiguration -MaxAgents 4 -SandboxTimeout 60000 -Isolation Process</code>
    /// <para>Runs at most four agents at once, as child processes, each execution limited to one minute.</para>
    /// </example>
    /// <example>
    /// <code>Set-SwarmConfiguration -EncryptionKey (Read-Host -AsSecureString 'Store key') -StorePath ~/swarm/trajectories.db</code>
    /// <para>Sets the key and the file of the encrypted trajectory store. Get-SwarmConfiguration shows only the key's kind and id.</para>
    /// </example>
    /// <example>
    /// <code>Set-SwarmConfiguration -PublicKey (Get-Content ~/swarm/store.pub) -Isolation Process</code>
    /// <para>In a scheduled task: records every deployment encrypted to the HQC public key; the task cannot read any trajectory back.</para>
    /// </example>
    /// <example>
    /// <code>Set-SwarmConfiguration -KeyPairPath ~/swarm/store-key.json -Passphrase (Read-Host -AsSecureString 'Passphrase')</code>
    /// <para>Interactively: opens the protected HQC key pair so the learning cmdlets can read what the writers recorded.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Set, "SwarmConfiguration", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmConfiguration))]
    public sealed class SetSwarmConfigurationCommand : SwarmOptionsCmdletBase
    {
        /// <summary>
        /// <para type="description">Restores every setting to its default before applying the other parameters.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Reset { get; set; }

        /// <summary>
        /// <para type="description">Writes the new configuration.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var session = SwarmSession.Current;
            var options = Apply(Reset ? new SwarmOptions() : session.Options);
            if (!ShouldProcess("session swarm configuration", "Set"))
                return;
            try
            {
                options.Validate();
            }
            catch (SwarmException e)
            {
                ThrowTerminatingError(SwarmErrorMapper.FromException(e, options));
            }
            var keyGiven = KeyGiven || Reset;
            // A malformed key, a wrong passphrase or a missing key file fails here, before anything changes.
            var key = keyGiven ? Invoke(ResolveKey) : null;
            Invoke(() => { session.Configure(options, key, keyGiven); return 0; });
            if (PassThru)
                WriteObject(new SwarmConfiguration(session.Options, session.Key, session.Existing?.Id));
        }
    }
}
