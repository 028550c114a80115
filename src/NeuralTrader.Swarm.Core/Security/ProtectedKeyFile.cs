using System;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto;

namespace NeuralTrader.Swarm.Core.Security
{
    /// <summary>The passphrase-protected HQC private key document.</summary>
    internal static class ProtectedKeyFile
    {
        internal const string Format = "NeuralTrader.Swarm.HqcKeyPair";
        internal const int Iterations = 600_000;

        internal static string Export(HqcKeyPair pair, byte[] publicKey, byte[] privateKey, char[] passphrase)
        {
            if (passphrase is null || passphrase.Length == 0)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "A passphrase is required to protect the private key.");
            }

            var salt = CryptoPrimitives.RandomBytes(16);
            var wrappingKey = CryptoPrimitives.Pbkdf2Sha256(passphrase, salt, Iterations);
            try
            {
                var ciphertext = CryptoPrimitives.AesGcmEncrypt(wrappingKey, privateKey, Aad(pair.KeyId));
                using (var stream = new System.IO.MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                    {
                        writer.WriteStartObject();
                        writer.WriteString("format", Format);
                        writer.WriteNumber("version", 1);
                        writer.WriteString("algorithm", "HQC-128");
                        writer.WriteString("keyId", pair.KeyId);
                        writer.WriteString("kdf", "PBKDF2-HMAC-SHA256");
                        writer.WriteNumber("iterations", Iterations);
                        writer.WriteString("salt", Convert.ToBase64String(salt));
                        writer.WriteString("cipher", "AES-256-GCM");
                        writer.WriteString("publicKey", Convert.ToBase64String(publicKey));
                        writer.WriteString("encryptedPrivateKey", Convert.ToBase64String(ciphertext));
                        writer.WriteEndObject();
                    }

                    return Encoding.UTF8.GetString(stream.ToArray());
                }
            }
            finally
            {
                Array.Clear(wrappingKey, 0, wrappingKey.Length);
            }
        }

        internal static (byte[] PublicKey, byte[] PrivateKey) Import(string document, char[] passphrase)
        {
            string keyId;
            int iterations;
            byte[] salt, publicKey, ciphertext;
            try
            {
                using (var json = JsonDocument.Parse(document ?? string.Empty))
                {
                    var root = json.RootElement;
                    if (root.GetProperty("format").GetString() != Format || root.GetProperty("version").GetInt32() != 1)
                    {
                        throw new FormatException("unknown format");
                    }

                    keyId = root.GetProperty("keyId").GetString() ?? string.Empty;
                    iterations = root.GetProperty("iterations").GetInt32();
                    salt = Convert.FromBase64String(root.GetProperty("salt").GetString() ?? string.Empty);
                    publicKey = Convert.FromBase64String(root.GetProperty("publicKey").GetString() ?? string.Empty);
                    ciphertext = Convert.FromBase64String(root.GetProperty("encryptedPrivateKey").GetString() ?? string.Empty);
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException || ex is System.Collections.Generic.KeyNotFoundException)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "The protected key document is not a NeuralTrader.Swarm HQC key pair.", ex);
            }

            if (iterations < Iterations)
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "The protected key document uses too few PBKDF2 iterations.");
            }

            var expectedId = new HqcPublicKey(publicKey).KeyId;
            if (!string.Equals(expectedId, keyId, StringComparison.Ordinal))
            {
                throw new StoreException(StoreErrorIds.InvalidArgument, "The protected key document's key id does not match its public key.");
            }

            var wrappingKey = CryptoPrimitives.Pbkdf2Sha256(passphrase ?? Array.Empty<char>(), salt, iterations);
            try
            {
                var privateKey = CryptoPrimitives.AesGcmDecrypt(wrappingKey, ciphertext, 0, ciphertext.Length, Aad(keyId));
                return (publicKey, privateKey);
            }
            catch (InvalidCipherTextException ex)
            {
                throw new WrongKeyException("The passphrase does not unlock HQC key " + keyId + ".", ex);
            }
            finally
            {
                Array.Clear(wrappingKey, 0, wrappingKey.Length);
            }
        }

        private static byte[] Aad(string keyId) => Encoding.UTF8.GetBytes(Format + "/v1/" + keyId);
    }
}
