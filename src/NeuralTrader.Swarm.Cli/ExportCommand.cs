using System;
using System.CommandLine;
using System.Text.Json;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>export: the store's state (strategies, trajectories, patterns, metrics) as JSON; encrypted trajectories stay encrypted unless --decrypt.</summary>
    internal static class ExportCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var output = new Option<string?>("--output", "-o") { Description = "File to write (overwritten); default swarm-state-<UTC time>.json in the current folder." };
            var decrypt = new Option<bool>("--decrypt")
            { Description = "Write decrypted trajectories; needs the key from " + KeySource.EnvironmentVariable + " or the prompt." };
            var command = new Command("export", "Export the trajectory store's state to a JSON file.") { output, decrypt };
            common.AddTo(command);
            command.SetAction(parse =>
            {
                try
                {
                    var options = common.ToSwarmOptions(parse);
                    if (!StoreProbe.Exists(options.StorePath))
                        throw new ArgumentException($"There is no trajectory store at {StoreProbe.PathOf(options.StorePath)} to export.");
                    bool wantsPlain = parse.GetValue(decrypt);
                    // Without --decrypt no key is needed: ciphertext is exported as it is stored.
                    options.EncryptionKey = wantsPlain ? StoreProbe.ReadKey(options.StorePath, required: true, "a decrypted export") : null;
                    using var coordinator = new SwarmCoordinator(options);
                    var path = System.IO.Path.GetFullPath(parse.GetValue(output) ?? FileStamp.StateFileName(DateTimeOffset.UtcNow));
                    if (System.IO.Directory.Exists(path))
                        throw new ArgumentException($"-o: '{path}' is a folder; name the state file to write.");
                    var exported = coordinator.ExportState(path, wantsPlain);
                    var summary = new { path, trajectories = exported.Trajectories, encrypted = exported.KeyId != null, keyId = exported.KeyId };
                    if (parse.GetValue(common.Json))
                        Console.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                    else
                        Console.WriteLine($"Exported {exported.Trajectories} trajectories to {path}" + (summary.encrypted ? $" (still encrypted under key id {summary.keyId})." : "."));
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
