using System.IO;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Verifies the integrity chain of the trajectory store.</para>
    /// <para type="description">Test-SwarmStore walks every trajectory in insertion order and checks its SHA3-512 fingerprint against its contents and the previous record's fingerprint, then the chain head. An edited, deleted, inserted or reordered record (for example with the sqlite3 tool) makes IsValid false and names the first bad record in FirstBadRecordId and Problem. Needs no key. -Path checks a store file other than the coordinator's; -Quiet writes only $true or $false.</para>
    /// </summary>
    /// <example>
    /// <code>Test-SwarmStore</code>
    /// <para>Checks the session's store: IsValid, RecordsChecked, FirstBadRecordId, Problem.</para>
    /// </example>
    /// <example>
    /// <code>if (-not (Test-SwarmStore -Path ~/backup/swarm.db -Quiet)) { throw 'The backup was tampered with.' }</code>
    /// <para>Checks a copy of a store in a script.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "SwarmStore")]
    [OutputType(typeof(SwarmStoreVerification), typeof(bool))]
    public sealed class TestSwarmStoreCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">A store file to check instead of the coordinator's. It must exist.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "StorePath")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>
        /// <para type="description">Writes only whether the chain is valid.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            SwarmStoreVerification result;
            if (Path == null)
            {
                var coordinator = GetCoordinator();
                result = Invoke(() => new SwarmStoreVerification(coordinator.VerifyStore()));
            }
            else
            {
                var path = GetUnresolvedProviderPathFromPSPath(Path);
                if (!File.Exists(path))
                {
                    WriteSwarmError(new SwarmException(SwarmErrorIds.StoreNotFound, SwarmErrorKind.NotFound, "No store file at '" + path + "'.", path), path);
                    return;
                }
                // Verifying needs no key; the store is opened without one and closed again.
                result = Invoke(() => new SwarmStoreVerification(SwarmCoordinator.VerifyStoreFile(path, Internal.CmdletLoggerFactory.Instance)));
            }
            if (Quiet)
                WriteObject(result.IsValid);
            else
                WriteObject(result);
        }
    }
}
