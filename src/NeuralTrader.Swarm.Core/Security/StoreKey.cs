using System;
using System.Collections.Concurrent;
using System.Text;
using Org.BouncyCastle.Crypto;

namespace NeuralTrader.Swarm.Core.Security
{
    /// <summary>How a store key protects trajectory payloads.</summary>
    public enum StoreKeyKind
    {
        /// <summary>A 32-byte AES-256-GCM key shared by writers and readers.</summary>
        Symmetric = 1,

        /// <summary>An HQC-128 key: writers need the public key, readers the private key.</summary>
        Hqc128 = 2,
    }

    /// <summary>
    /// A key that encrypts trajectory payloads. Identified by <see cref="KeyId"/>, a truncated SHA3-512 of the key
    /// (symmetric) or of the public key (HQC); the store keeps only the id, which makes a wrong key a clear error.
    /// <see cref="object.ToString"/> shows the kind and id, never key material.
    /// </summary>
    public abstract class StoreKey
    {
        internal const string RecordAadPrefix = "NeuralTrader.Swarm/trajectory/v1/";

        /// <summary>Public check value of the key: 32 hex digits. Safe to log and store.</summary>
        public abstract string KeyId { get; }

        /// <summary>The kind of key.</summary>
        public abstract StoreKeyKind Kind { get; }

        /// <summary>True when this key can decrypt payloads (symmetric keys and HQC key pairs, not HQC public keys).</summary>
        public abstract bool CanDecrypt { get; }

        /// <inheritdoc />
        public override string ToString() => Kind + " key " + KeyId;

        internal static byte[] RecordAad(string recordId) => Encoding.UTF8.GetBytes(RecordAadPrefix + recordId);

        /// <summary>
        /// The key that signs the chain head, or null: only a symmetric key is secret to every writer. An HQC store's
        /// writers hold just the public key, which anyone may have, so a signature under it would prove nothing.
        /// </summary>
        internal virtual byte[]? ChainKey => null;

        /// <summary>Starts a writer session (HQC: one encapsulation shared by this session's records).</summary>
        internal abstract KemSession? BeginSession();

        /// <summary>Encrypts a record payload bound to its id.</summary>
        internal abstract byte[] Seal(string recordId, byte[] plaintext, KemSession? session);

        /// <summary>Decrypts a record payload; <paramref name="encapsulation"/> is the HQC encapsulation of its session.</summary>
        internal abstract byte[] Open(string recordId, byte[] payload, string? kemId, byte[]? encapsulation);

        internal static WrongKeyException AuthenticationFailed(string recordId, Exception inner) =>
            new WrongKeyException(
                "Record '" + recordId + "' could not be decrypted: the key does not match or the ciphertext was altered.",
                inner);
    }

    /// <summary>
    /// One writer session's data key: a fresh HQC-128 encapsulation to the public key; the KEM secret gives the session's
    /// AES-256-GCM key through HKDF-SHA3-256 (salt = kem id). Each record still gets a fresh random nonce and its id as
    /// associated data.
    /// </summary>
    internal sealed class KemSession
    {
        internal KemSession(string kemId, byte[] encapsulation, byte[] secret)
        {
            KemId = kemId;
            Encapsulation = encapsulation;
            var key = DataKey(secret, kemId);
            Cipher = new CryptoPrimitives.AesGcmContext(key);
            Array.Clear(key, 0, key.Length);
            Array.Clear(secret, 0, secret.Length);
        }

        internal string KemId { get; }

        internal byte[] Encapsulation { get; }

        internal CryptoPrimitives.AesGcmContext Cipher { get; }

        internal bool Persisted { get; set; }

        internal static byte[] DataKey(byte[] secret, string kemId) =>
            CryptoPrimitives.HkdfSha3(secret, Encoding.UTF8.GetBytes(kemId), "NeuralTrader.Swarm/hqc-session-key/v1");
    }

    /// <summary>A 32-byte AES-256-GCM key.</summary>
    public sealed class SymmetricKey : StoreKey
    {
        private readonly byte[] _key;
        private readonly CryptoPrimitives.AesGcmContext _gcm;

        private SymmetricKey(byte[] key)
        {
            _key = key;
            _gcm = new CryptoPrimitives.AesGcmContext(key);
            KeyId = CryptoPrimitives.KeyId("NeuralTrader.Swarm/symmetric-key-id/v1", key);
        }

        /// <inheritdoc />
        public override string KeyId { get; }

        /// <inheritdoc />
        public override StoreKeyKind Kind => StoreKeyKind.Symmetric;

        /// <inheritdoc />
        public override bool CanDecrypt => true;

        /// <summary>Generates a random key.</summary>
        /// <returns>The new key.</returns>
        public static SymmetricKey Generate() => new SymmetricKey(CryptoPrimitives.RandomBytes(CryptoPrimitives.KeySize));

        /// <summary>Creates a key from 32 bytes (copied; the caller may clear its array).</summary>
        /// <param name="key">Exactly 32 bytes.</param>
        /// <returns>The key.</returns>
        public static SymmetricKey FromBytes(byte[] key)
        {
            if (key is null || key.Length != CryptoPrimitives.KeySize)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "An encryption key must be exactly 32 bytes.");
            }

            return new SymmetricKey((byte[])key.Clone());
        }

        /// <summary>Creates a key from its base64 form (32 bytes once decoded).</summary>
        /// <param name="base64">The key as base64.</param>
        /// <returns>The key.</returns>
        public static SymmetricKey FromBase64(string base64)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(base64 ?? string.Empty);
            }
            catch (FormatException)
            {
                // The message must not echo the input: it is a key.
                throw new StoreException(StoreErrorIds.InvalidArgument, "The encryption key is not valid base64.");
            }

            try
            {
                return FromBytes(bytes);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        /// <summary>Returns the key as base64, for <c>New-SwarmEncryptionKey</c> to hand to the user once.</summary>
        /// <returns>The key in base64. Treat it as a secret.</returns>
        public string ExportBase64() => Convert.ToBase64String(_key);

        internal override byte[]? ChainKey => CryptoPrimitives.HkdfSha3(_key, System.Text.Encoding.UTF8.GetBytes("chain-head"), "NeuralTrader.Swarm/chain-head-key/v1");

        internal override KemSession? BeginSession() => null;

        internal override byte[] Seal(string recordId, byte[] plaintext, KemSession? session) =>
            _gcm.Encrypt(plaintext, RecordAad(recordId));

        internal override byte[] Open(string recordId, byte[] payload, string? kemId, byte[]? encapsulation)
        {
            try
            {
                return _gcm.Decrypt(payload, RecordAad(recordId));
            }
            catch (InvalidCipherTextException ex)
            {
                throw AuthenticationFailed(recordId, ex);
            }
        }
    }

    /// <summary>
    /// An HQC-128 public key: lets a writer (for example a scheduled task) append encrypted trajectories without being
    /// able to read any. The public key is not secret.
    /// </summary>
    public class HqcPublicKey : StoreKey
    {
        internal HqcPublicKey(byte[] publicKey)
        {
            PublicKeyBytes = publicKey;
            KeyId = CryptoPrimitives.KeyId("NeuralTrader.Swarm/hqc128-key-id/v1", publicKey);
        }

        /// <inheritdoc />
        public override string KeyId { get; }

        /// <inheritdoc />
        public override StoreKeyKind Kind => StoreKeyKind.Hqc128;

        /// <inheritdoc />
        public override bool CanDecrypt => false;

        internal byte[] PublicKeyBytes { get; }

        /// <summary>Reads a public key from base64 (as written by <see cref="ExportBase64"/>).</summary>
        /// <param name="base64">The encoded public key.</param>
        /// <returns>The key.</returns>
        public static HqcPublicKey FromBase64(string base64)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(base64 ?? string.Empty);
            }
            catch (FormatException)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "The HQC public key is not valid base64.");
            }

            if (bytes.Length != HqcCrypto.Parameters.PublicKeyBytes)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "The HQC public key has the wrong length for HQC-128.");
            }

            return new HqcPublicKey(bytes);
        }

        /// <summary>The public key as base64.</summary>
        /// <returns>Base64 of the encoded HQC-128 public key.</returns>
        public string ExportBase64() => Convert.ToBase64String(PublicKeyBytes);

        internal override KemSession? BeginSession()
        {
            var (encapsulation, secret) = HqcCrypto.Encapsulate(PublicKeyBytes);
            return new KemSession(Guid.NewGuid().ToString("N"), encapsulation, secret);
        }

        internal override byte[] Seal(string recordId, byte[] plaintext, KemSession? session)
        {
            if (session is null)
            {
                throw new InvalidOperationException("HQC sealing needs a session.");
            }

            return session.Cipher.Encrypt(plaintext, RecordAad(recordId));
        }

        internal override byte[] Open(string recordId, byte[] payload, string? kemId, byte[]? encapsulation) =>
            throw new StoreException(
                StoreErrorIds.KeyRequired,
                "Reading trajectory payloads needs the HQC private key; key " + KeyId + " is a public key that can only append.");
    }

    /// <summary>An HQC-128 key pair. Reads and writes. Save it with <see cref="ExportProtected(char[])"/>.</summary>
    public sealed class HqcKeyPair : HqcPublicKey
    {
        private readonly byte[] _privateKey;
        private readonly ConcurrentDictionary<string, CryptoPrimitives.AesGcmContext> _sessions = new ConcurrentDictionary<string, CryptoPrimitives.AesGcmContext>(StringComparer.Ordinal);

        internal HqcKeyPair(byte[] publicKey, byte[] privateKey)
            : base(publicKey)
        {
            _privateKey = privateKey;
        }

        /// <inheritdoc />
        public override bool CanDecrypt => true;

        /// <summary>The public half, to give to writers.</summary>
        public HqcPublicKey PublicKey => new HqcPublicKey(PublicKeyBytes);

        /// <summary>Generates a new key pair.</summary>
        /// <returns>The key pair.</returns>
        public static HqcKeyPair Generate()
        {
            var (publicKey, privateKey) = HqcCrypto.GenerateKeyPair();
            return new HqcKeyPair(publicKey, privateKey);
        }

        /// <summary>
        /// Exports the key pair with the private key wrapped under a passphrase (PBKDF2-HMAC-SHA256, 600,000 iterations,
        /// random salt, AES-256-GCM). The result is a JSON document safe to store on disk.
        /// </summary>
        /// <param name="passphrase">The passphrase; the caller should clear the array afterwards.</param>
        /// <returns>The protected key document.</returns>
        public string ExportProtected(char[] passphrase) => ProtectedKeyFile.Export(this, PublicKeyBytes, _privateKey, passphrase);

        /// <summary>Exports with a passphrase given as a string. Prefer the <c>char[]</c> overload.</summary>
        /// <param name="passphrase">The passphrase.</param>
        /// <returns>The protected key document.</returns>
        public string ExportProtected(string passphrase) => ExportProtected((passphrase ?? string.Empty).ToCharArray());

        /// <summary>Reads a key pair written by <see cref="ExportProtected(char[])"/>.</summary>
        /// <param name="protectedKey">The protected key document.</param>
        /// <param name="passphrase">The passphrase.</param>
        /// <returns>The key pair.</returns>
        /// <exception cref="WrongKeyException">The passphrase is wrong or the document was altered.</exception>
        public static HqcKeyPair ImportProtected(string protectedKey, char[] passphrase)
        {
            var (publicKey, privateKey) = ProtectedKeyFile.Import(protectedKey, passphrase);
            return new HqcKeyPair(publicKey, privateKey);
        }

        /// <summary>Reads a key pair with a passphrase given as a string.</summary>
        /// <param name="protectedKey">The protected key document.</param>
        /// <param name="passphrase">The passphrase.</param>
        /// <returns>The key pair.</returns>
        public static HqcKeyPair ImportProtected(string protectedKey, string passphrase) =>
            ImportProtected(protectedKey, (passphrase ?? string.Empty).ToCharArray());

        internal override byte[] Open(string recordId, byte[] payload, string? kemId, byte[]? encapsulation)
        {
            if (kemId is null || encapsulation is null)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "Record '" + recordId + "' has no HQC encapsulation.");
            }

            CryptoPrimitives.AesGcmContext cipher;
            try
            {
                cipher = _sessions.GetOrAdd(kemId, id =>
                {
                    var secret = HqcCrypto.Decapsulate(_privateKey, encapsulation);
                    var key = KemSession.DataKey(secret, id);
                    Array.Clear(secret, 0, secret.Length);
                    var context = new CryptoPrimitives.AesGcmContext(key);
                    Array.Clear(key, 0, key.Length);
                    return context;
                });
            }
            catch (Exception ex) when (!(ex is StoreException))
            {
                throw AuthenticationFailed(recordId, ex);
            }

            try
            {
                return cipher.Decrypt(payload, RecordAad(recordId));
            }
            catch (InvalidCipherTextException ex)
            {
                throw AuthenticationFailed(recordId, ex);
            }
        }
    }
}
