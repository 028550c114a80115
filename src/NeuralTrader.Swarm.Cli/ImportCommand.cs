using System;
using System.CommandLine;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>import: merges an export into the store by id, without duplicates.</summary>
    internal static class ImportCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var input = new Option<string>("--input", "-i") { Description = "Export file to merge.", Required = true };
            var command = new Command("import", "Merge an exported state file into the trajectory store (records already there are skipped).") { input };
            common.AddTo(command);
            command.SetAction(parse =>
            {
                try
                {
                    var options = common.ToSwarmOptions(parse);
                    var given = parse.GetValue(input)!;
                    if (given.Trim().Length == 0)
                        throw new ArgumentException("-i: the export file path is empty; name the file to import.");
                    var path = System.IO.Path.GetFullPath(given);
                    if (!System.IO.File.Exists(path))
                        throw new ArgumentException($"There is no export file at {path}.");
                    // An encrypted store needs its key only to encrypt imported plaintext records; Core says KeyRequired if so.
                    options.EncryptionKey = StoreProbe.ReadKey(options.StorePath, required: false, "importing into the encrypted store");
                    using var coordinator = new SwarmCoordinator(options);
                    var result = coordinator.ImportState(path);
                    var store = coordinator.GetStoreStatus().Path;
                    if (parse.GetValue(common.Json))
                        Console.WriteLine(JsonSerializer.Serialize(new { path, store, result.Imported, result.Skipped, result.StrategiesImported }, CliJson.Options));
                    else
                        Console.WriteLine($"Imported {result.Imported} trajectories ({result.Skipped} already there) and {result.StrategiesImported} strategies into {store}.");
                    return 0;
                }
                catch (Exception e) when (CliError.Handles(e))
                {
                    return CliError.Write(e);
                }
            });
            return command;
        }
    }
}
