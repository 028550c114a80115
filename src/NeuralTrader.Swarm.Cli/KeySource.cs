using System;
using System.IO;
using System.Text;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>
    /// Where the CLI gets the store key, first found wins: a symmetric key in NEURALTRADER_ENCRYPTION_KEY, an HQC
    /// key pair from the protected file in NEURALTRADER_KEY_FILE (passphrase from NEURALTRADER_KEY_PASSPHRASE or
    /// a prompt), an HQC public key in NEURALTRADER_PUBLIC_KEY (append only), else a no-echo prompt for a
    /// symmetric key when stdin is a terminal. Never from an argument: argv is visible to every user of the
    /// machine (ps, /proc).
    /// </summary>
    internal static class KeySource
    {
        public const string EnvironmentVariable = "NEURALTRADER_ENCRYPTION_KEY";
        public const string KeyFileVariable = "NEURALTRADER_KEY_FILE";
        public const string PassphraseVariable = "NEURALTRADER_KEY_PASSPHRASE";
        public const string PublicKeyVariable = "NEURALTRADER_PUBLIC_KEY";
        public const string OptionName = "--encryption-key";

        /// <summary>
        /// The key, or null when none is available and <paramref name="required"/> is false. Throws an
        /// ArgumentException (exit code 2) naming where to put it when it is required and missing.
        /// </summary>
        public static StoreKey? Resolve(bool required, string purpose)
        {
            var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(text))
                return SymmetricKey.FromBase64(text.Trim()); // Its errors never echo the input.

            // An HQC key pair: the protected key file (not secret without its passphrase) and the passphrase.
            var keyFile = Environment.GetEnvironmentVariable(KeyFileVariable);
            if (!string.IsNullOrWhiteSpace(keyFile))
            {
                if (!File.Exists(keyFile))
                    throw new ArgumentException($"{KeyFileVariable} names {keyFile}, which does not exist.");
                var passphrase = Environment.GetEnvironmentVariable(PassphraseVariable);
                if (string.IsNullOrEmpty(passphrase) && !Console.IsInputRedirected)
                    passphrase = Prompt($"Passphrase of {Path.GetFileName(keyFile)}: ");
                if (string.IsNullOrEmpty(passphrase))
                    throw new ArgumentException($"The HQC key file needs its passphrase: set {PassphraseVariable} or run in a terminal to be prompted.");
                var characters = passphrase!.ToCharArray();
                try
                {
                    return HqcKeyPair.ImportProtected(File.ReadAllText(keyFile), characters);
                }
                finally
                {
                    Array.Clear(characters, 0, characters.Length);
                }
            }

            // An HQC public key: appends only (a scheduled task that must not read the store).
            var publicKey = Environment.GetEnvironmentVariable(PublicKeyVariable);
            if (!string.IsNullOrWhiteSpace(publicKey))
                return HqcPublicKey.FromBase64(publicKey.Trim());

            if (!Console.IsInputRedirected)
                text = Prompt($"Encryption key for {purpose} (base64): ");
            if (string.IsNullOrWhiteSpace(text))
            {
                if (!required)
                    return null;
                throw new ArgumentException($"{purpose} needs an encryption key: set {EnvironmentVariable} to the base64 key " +
                    $"(New-SwarmEncryptionKey makes one) or {KeyFileVariable} to an HQC key file, or run in a terminal to be prompted.");
            }
            return SymmetricKey.FromBase64(text.Trim());
        }

        /// <summary>Reads a line from the terminal without echoing it.</summary>
        private static string Prompt(string label)
        {
            Console.Error.Write(label);
            var buffer = new StringBuilder();
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (key.Key == ConsoleKey.Enter)
                    break;
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (buffer.Length > 0)
                        buffer.Length--;
                    continue;
                }
                if (!char.IsControl(key.KeyChar))
                    buffer.Append(key.KeyChar);
            }
            Console.Error.WriteLine();
            var text = buffer.ToString();
            buffer.Clear();
            return text;
        }

        /// <summary>
        /// Refuses a value written after --encryption-key (or as --encryption-key=VALUE) before the parser
        /// sees it, so it is never echoed back in a parse error.
        /// </summary>
        public static string? CheckArguments(string[] args)
        {
            for (int i = 0; i < args.Length; i++)
            {
                var a = args[i];
                bool inline = a.StartsWith(OptionName + "=", StringComparison.Ordinal) || a.StartsWith(OptionName + ":", StringComparison.Ordinal);
                bool next = a == OptionName && i + 1 < args.Length && !args[i + 1].StartsWith("-", StringComparison.Ordinal);
                if (inline || next)
                {
                    return $"{OptionName} takes no value: the key is never accepted on the command line. " +
                        $"Set {EnvironmentVariable} or run in a terminal to be prompted.";
                }
            }
            return null;
        }
    }
}
