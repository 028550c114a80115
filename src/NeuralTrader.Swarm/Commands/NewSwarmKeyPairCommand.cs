using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates an HQC-128 key pair for a store that writers can fill but only the key holder can read.</para>
    /// <para type="description">New-SwarmKeyPair creates a post-quantum HQC-128 key pair. The private key is encrypted under the passphrase (PBKDF2-HMAC-SHA256 with 600,000 iterations, AES-256-GCM) and written to -Path with owner-only permissions; it is never written in clear. The output has the PublicKey (base64, not secret) and KeyId. Writers such as scheduled tasks use Set-SwarmConfiguration -PublicKey: they record encrypted trajectories but cannot read any. Readers use Set-SwarmConfiguration -KeyPairPath -Passphrase. Without -Path the protected key is returned in ProtectedPrivateKey for you to save.</para>
    /// </summary>
    /// <example>
    /// <code>$pair = New-SwarmKeyPair -Passphrase (Read-Host -AsSecureString 'Passphrase') -Path ~/swarm/store-key.json
    /// Set-Content ~/swarm/store.pub $pair.PublicKey</code>
    /// <para>Creates the key pair, keeps the protected private key in a file and the public key for the writers.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "SwarmKeyPair", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmKeyPair))]
    public sealed class NewSwarmKeyPairCommand : SwarmCmdletBase
    {
        /// <summary>
        /// <para type="description">Passphrase protecting the private key, as a SecureString; at least 8 characters.</para>
        /// </summary>
        [Parameter(Mandatory = true)]
        public SecureString Passphrase { get; set; } = new SecureString();

        /// <summary>
        /// <para type="description">File to write the protected private key to (owner-only). Without it the protected key is returned in ProtectedPrivateKey.</para>
        /// </summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>
        /// <para type="description">Replaces the file when it exists.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            if (Passphrase.Length < 8)
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "The passphrase needs at least 8 characters.");
            string? path = null;
            if (Path != null)
            {
                path = GetUnresolvedProviderPathFromPSPath(Path);
                if (File.Exists(path) && !Force)
                {
                    ThrowTerminatingError(SwarmErrorMapper.FromException(new SwarmException(SwarmErrorIds.KeyFileExists, SwarmErrorKind.AlreadyExists,
                        "'" + path + "' exists; use -Force to replace it (the key pair in it is lost unless kept elsewhere).", path), path));
                    return;
                }
                if (!ShouldProcess(path, "Write protected HQC-128 private key"))
                    return;
            }
            var pair = Invoke(HqcKeyPair.Generate);
            var chars = SwarmSession.ToChars(Passphrase);
            string protectedKey;
            try
            {
                protectedKey = Invoke(() => pair.ExportProtected(chars));
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
            if (path != null)
                ProtectedFile.Write(path, protectedKey);
            WriteObject(new SwarmKeyPair(pair.PublicKey.ExportBase64(), pair.KeyId, path, path == null ? protectedKey : null));
        }
    }
}
