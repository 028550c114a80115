namespace NeuralTrader.Swarm
{
    /// <summary>A new HQC-128 key pair (New-SwarmKeyPair): the public key and where the protected private key went.</summary>
    public sealed class SwarmKeyPair
    {
        internal SwarmKeyPair(string publicKey, string keyId, string? path, string? protectedPrivateKey)
        {
            PublicKey = publicKey;
            KeyId = keyId;
            Path = path;
            ProtectedPrivateKey = protectedPrivateKey;
        }

        /// <summary>The public key as base64, for writers (Set-SwarmConfiguration -PublicKey). Not secret.</summary>
        public string PublicKey { get; }
        /// <summary>Check value of the key pair; the store keeps it.</summary>
        public string KeyId { get; }
        /// <summary>The protected key file written, or empty without -Path.</summary>
        public string? Path { get; }
        /// <summary>Without -Path: the private key encrypted under the passphrase (PBKDF2 + AES-256-GCM) as JSON text, to save to a file.</summary>
        public string? ProtectedPrivateKey { get; }
    }
}
