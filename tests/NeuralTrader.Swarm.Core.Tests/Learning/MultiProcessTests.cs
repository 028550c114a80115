using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class MultiProcessTests
    {
        [Fact]
        public async Task FourProcessesAppendExactly2000RecordsWithAValidChain()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (dir.Open(key))
            {
                // Create the store and adopt the key before the writers start.
            }

            var writers = Enumerable.Range(0, 4).Select(w => StartWriter(dir.Db, "w" + w, 500, batch: w % 2 == 0 ? 1 : 7, key.ExportBase64())).ToList();
            var outputs = await Task.WhenAll(writers.Select(Finish));
            foreach (var (process, output) in writers.Zip(outputs))
            {
                Assert.True(process.ExitCode == 0, output.Error);
                Assert.Contains("committed 500", output.Out);
                Assert.DoesNotContain("locked", output.Error, StringComparison.OrdinalIgnoreCase);
                process.Dispose();
            }

            using var store = dir.Open(key);
            Assert.Equal(2000, store.Count());
            var verification = store.Verify();
            Assert.True(verification.IsValid, verification.Problem);
            Assert.Equal(2000, verification.RecordsChecked);
            var ids = store.Query().Select(t => t.Id).ToList();
            Assert.Equal(2000, ids.Distinct().Count());
            for (var w = 0; w < 4; w++)
            {
                Assert.Equal(500, ids.Count(id => id.StartsWith("w" + w + "-", StringComparison.Ordinal)));
            }
        }

        [Fact]
        public async Task KilledWriterLeavesAStoreThatOpensVerifiesAndHoldsEveryCommit()
        {
            using var dir = new TempDir();
            using (dir.Open())
            {
            }

            var writer = StartWriter(dir.Db, "victim", 100000, batch: 3, key: null);
            var committed = 0;
            while (committed < 300)
            {
                var line = await writer.StandardOutput.ReadLineAsync();
                Assert.NotNull(line);
                if (line!.StartsWith("committed ", StringComparison.Ordinal))
                {
                    committed = int.Parse(line.Substring(10), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            writer.Kill(entireProcessTree: true);
            await writer.WaitForExitAsync();
            writer.Dispose();

            using var store = dir.Open();
            var verification = store.Verify();
            Assert.True(verification.IsValid, verification.Problem);
            Assert.True(store.Count() >= committed, $"{store.Count()} < {committed}");
            store.Append(Samples.Make(1));
            Assert.True(store.Verify().IsValid);
        }

        [Fact]
        public async Task PublicKeyOnlyWriterProcessAppendsEncryptedRecords()
        {
            using var dir = new TempDir();
            var pair = HqcKeyPair.Generate();
            using (dir.Open(pair))
            {
            }

            var writer = StartWriter(dir.Db, "sched", 20, batch: 5, pair.PublicKey.ExportBase64(), "hqc-public");
            var output = await Finish(writer);
            Assert.True(writer.ExitCode == 0, output.Error);
            writer.Dispose();
            using var store = dir.Open(pair);
            Assert.Equal(20, store.Query().Count(t => t.Encrypted && t.Trajectory != null));
            Assert.True(store.Verify().IsValid);
        }

        private static Process StartWriter(string db, string name, int count, int batch, string? key, string keyKind = "symmetric")
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(WriterPath());
            foreach (var arg in new[] { "--path", db, "--writer", name, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(arg);
            }

            if (key != null)
            {
                // The key travels on stdin, never on the command line.
                psi.ArgumentList.Add("--key");
                psi.ArgumentList.Add(keyKind);
            }

            var process = Process.Start(psi)!;
            if (key != null)
            {
                process.StandardInput.WriteLine(key);
            }

            process.StandardInput.Close();
            return process;
        }

        private static async Task<(string Out, string Error)> Finish(Process process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (await stdout, await stderr);
        }

        /// <summary>The StoreWriter helper is built beside the tests (ReferenceOutputAssembly=false) in its own bin folder.</summary>
        private static string WriterPath()
        {
            var baseDir = AppContext.BaseDirectory;
            var beside = Path.Combine(baseDir, "NeuralTrader.Swarm.StoreWriter.dll");
            if (File.Exists(beside))
            {
                return beside;
            }

            var configuration = new DirectoryInfo(baseDir).Parent?.Name ?? "Debug";
            for (var dir = new DirectoryInfo(baseDir); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "NeuralTrader.Swarm.StoreWriter", "bin", configuration, "net10.0", "NeuralTrader.Swarm.StoreWriter.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("NeuralTrader.Swarm.StoreWriter.dll was not built.");
        }
    }
}
