using System.IO;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Exports the learning state (strategies, trajectories, patterns, metrics) to a JSON file.</para>
    /// <para type="description">Export-SwarmState writes the registered strategies, every trajectory with its chain fingerprints, the patterns, the statistics and a timestamp as JSON (owner-only file permissions where the OS supports them). Encrypted trajectories stay encrypted; -Decrypt writes them in clear, which needs the key and leaves readable data on disk. Keys never appear in the file, only key ids. An existing file is replaced only with -Force. Import-SwarmState merges the file into a store.</para>
    /// </summary>
    /// <example>
    /// <code>Export-SwarmState -Path ./swarm-state.json</code>
    /// <para>Backs up the learning state; encrypted trajectories stay encrypted.</para>
    /// </example>
    /// <example>
    /// <code>Export-SwarmState -Path ./swarm-state.json -Force -PassThru</code>
    /// <para>Replaces an older export and shows how many trajectories were written.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "SwarmState", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmStateTransfer))]
    public sealed class ExportSwarmStateCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">The file to write; default swarm-state-&lt;UTC time&gt;.json in the current location (as the original design's export).</para>
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>
        /// <para type="description">Writes trajectories decrypted. Needs a key that can decrypt; the file then holds the data in clear.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Decrypt { get; set; }

        /// <summary>
        /// <para type="description">Replaces the file when it exists.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Writes what was exported.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path ?? FileStamp.StateFileName(System.DateTimeOffset.UtcNow));
            if (Directory.Exists(path))
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "'" + path + "' is a directory; give a file name.", path);
            if (File.Exists(path) && !Force)
            {
                ThrowTerminatingError(Internal.SwarmErrorMapper.FromException(new SwarmException(SwarmErrorIds.StateFileExists, SwarmErrorKind.AlreadyExists,
                    "'" + path + "' exists; use -Force to replace it.", path), path));
                return;
            }
            if (!ShouldProcess(path, Decrypt ? "Export learning state decrypted" : "Export learning state"))
                return;
            if (Decrypt)
                WriteWarning("The export holds the trajectories decrypted: protect or delete '" + path + "'.");
            var coordinator = GetCoordinator();
            var exported = Invoke(() => coordinator.ExportState(path, Decrypt));
            WriteVerbose("Exported " + exported.Trajectories + " trajectories to " + path + ".");
            if (PassThru)
                WriteObject(new SwarmStateTransfer("Export", path, exported.Trajectories, 0, exported.Strategies, Decrypt));
        }
    }
}
