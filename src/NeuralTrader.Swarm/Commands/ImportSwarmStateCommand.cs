using System.Management.Automation;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Merges an exported learning state into the trajectory store.</para>
    /// <para type="description">Import-SwarmState checks the export's own fingerprint chain (an edited, removed or reordered record rejects the whole file with CorruptStore), then merges by id: trajectories the store has already are skipped, so importing twice adds nothing. New trajectories are chained locally and keep their original fingerprint. Encrypted trajectories need the store's key id (WrongKey otherwise, before anything is written); clear ones are encrypted with the store's key when it has one. Strategies whose name is new are registered. Writes the counts.</para>
    /// </summary>
    /// <example>
    /// <code>Import-SwarmState -Path ./swarm-state.json</code>
    /// <para>Merges a backup or another machine's state; writes Trajectories (added), Skipped and Strategies.</para>
    /// </example>
    /// <example>
    /// <code>Get-ChildItem ./exports/*.json | Import-SwarmState</code>
    /// <para>Merges several exports.</para>
    /// </example>
    [Cmdlet(VerbsData.Import, "SwarmState", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmStateTransfer))]
    public sealed class ImportSwarmStateCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">The export file(s) (wildcards allowed).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            foreach (var item in Path)
            {
                System.Collections.ObjectModel.Collection<string> files;
                try
                {
                    files = GetResolvedProviderPathFromPSPath(item, out _);
                }
                catch (ItemNotFoundException e)
                {
                    WriteError(new ErrorRecord(e, SwarmErrorIds.StateFileNotFound, ErrorCategory.ObjectNotFound, item));
                    continue;
                }
                foreach (var file in files)
                {
                    if (!ShouldProcess(file, "Import learning state"))
                        continue;
                    try
                    {
                        var result = Invoke(() => coordinator.ImportState(file));
                        WriteObject(new SwarmStateTransfer("Import", file, result.Imported, result.Skipped, result.StrategiesImported, false));
                    }
                    catch (Core.SwarmException e)
                    {
                        // One bad file (altered, another key) does not stop the others; nothing of it was written.
                        WriteSwarmError(e, file);
                    }
                }
            }
        }
    }
}
