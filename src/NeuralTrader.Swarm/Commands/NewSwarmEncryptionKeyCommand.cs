using System.Management.Automation;
using System.Security;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a random 256-bit key for the encrypted trajectory store.</para>
    /// <para type="description">New-SwarmEncryptionKey returns a new random AES-256 key as a SecureString holding its base64 text, ready for Set-SwarmConfiguration -EncryptionKey. Keep it safe: without it the encrypted trajectories cannot be read, and there is no recovery. -AsPlainText returns the base64 string instead, for storing in a secret vault; plain text ends up in variables, history and transcripts, so avoid it in interactive sessions.</para>
    /// </summary>
    /// <example>
    /// <code>$key = New-SwarmEncryptionKey
    /// Set-SwarmConfiguration -EncryptionKey $key</code>
    /// <para>Encrypts the session's store with a new key.</para>
    /// </example>
    /// <example>
    /// <code>Set-Secret -Name SwarmStoreKey -Secret (New-SwarmEncryptionKey)</code>
    /// <para>Keeps the key in a SecretManagement vault.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "SwarmEncryptionKey")]
    [OutputType(typeof(SecureString), typeof(string))]
    public sealed class NewSwarmEncryptionKeyCommand : SwarmCmdletBase
    {
        /// <summary>
        /// <para type="description">Returns the key as a plain base64 string. Warning: it can then leak through variables, history and logs.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter AsPlainText { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var text = SymmetricKey.Generate().ExportBase64();
            if (AsPlainText)
            {
                WriteObject(text);
                return;
            }
            var secure = new SecureString();
            foreach (var c in text)
                secure.AppendChar(c);
            secure.MakeReadOnly();
            WriteObject(secure);
        }
    }
}
