using System;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace NeuralTrader.Swarm.Core.Security
{
    /// <summary>AES-256-GCM, SHA3-512, HKDF-SHA3 and PBKDF2 helpers over BouncyCastle.</summary>
    internal static class CryptoPrimitives
    {
        internal const int KeySize = 32;
        internal const int NonceSize = 12;
        internal const int TagSize = 16;

        private static readonly SecureRandom Random = new SecureRandom();

        internal static byte[] RandomBytes(int count)
        {
            var bytes = new byte[count];
            lock (Random)
            {
                Random.NextBytes(bytes);
            }

            return bytes;
        }

        internal static SecureRandom NewSecureRandom() => new SecureRandom();

        /// <summary>Encrypts; the result is nonce || ciphertext || tag. AesUtilities picks BouncyCastle's AES-NI engine on .NET Core runtimes.</summary>
        internal static byte[] AesGcmEncrypt(byte[] key, byte[] plaintext, byte[] associatedData)
        {
            var nonce = RandomBytes(NonceSize);
            var cipher = new GcmBlockCipher(AesUtilities.CreateEngine());
            cipher.Init(true, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, associatedData));
            var output = new byte[NonceSize + cipher.GetOutputSize(plaintext.Length)];
            Buffer.BlockCopy(nonce, 0, output, 0, NonceSize);
            var len = cipher.ProcessBytes(plaintext, 0, plaintext.Length, output, NonceSize);
            cipher.DoFinal(output, NonceSize + len);
            return output;
        }

        /// <summary>Decrypts nonce || ciphertext || tag; throws <see cref="InvalidCipherTextException"/> on a bad tag.</summary>
        internal static byte[] AesGcmDecrypt(byte[] key, byte[] data, int offset, int count, byte[] associatedData)
        {
            if (count < NonceSize + TagSize)
            {
                throw new InvalidCipherTextException("ciphertext too short");
            }

            var nonce = new byte[NonceSize];
            Buffer.BlockCopy(data, offset, nonce, 0, NonceSize);
            var cipher = new GcmBlockCipher(AesUtilities.CreateEngine());
            cipher.Init(false, new AeadParameters(new KeyParameter(key), TagSize * 8, nonce, associatedData));
            var output = new byte[cipher.GetOutputSize(count - NonceSize)];
            var len = cipher.ProcessBytes(data, offset + NonceSize, count - NonceSize, output, 0);
            len += cipher.DoFinal(output, len);
            if (len != output.Length)
            {
                Array.Resize(ref output, len);
            }

            return output;
        }

        /// <summary>
        /// AES-256-GCM bound to one key. Cipher instances are pooled and re-initialised with a null key, so BouncyCastle
        /// keeps the key schedule and GHASH tables instead of rebuilding them per record; the pool lets threads
        /// encrypt and decrypt in parallel.
        /// </summary>
        internal sealed class AesGcmContext
        {
            private readonly KeyParameter _key;
            private readonly System.Collections.Concurrent.ConcurrentBag<Slot> _pool = new System.Collections.Concurrent.ConcurrentBag<Slot>();

            internal AesGcmContext(byte[] key)
            {
                _key = new KeyParameter(key);
            }

            internal byte[] Encrypt(byte[] plaintext, byte[] associatedData)
            {
                var nonce = RandomBytes(NonceSize);
                var slot = Rent();
                try
                {
                    var cipher = slot.Init(true, _key, nonce, associatedData);
                    var output = new byte[NonceSize + cipher.GetOutputSize(plaintext.Length)];
                    Buffer.BlockCopy(nonce, 0, output, 0, NonceSize);
                    var len = cipher.ProcessBytes(plaintext, 0, plaintext.Length, output, NonceSize);
                    cipher.DoFinal(output, NonceSize + len);
                    return output;
                }
                finally
                {
                    _pool.Add(slot);
                }
            }

            internal byte[] Decrypt(byte[] data, byte[] associatedData)
            {
                if (data.Length < NonceSize + TagSize)
                {
                    throw new InvalidCipherTextException("ciphertext too short");
                }

                var nonce = new byte[NonceSize];
                Buffer.BlockCopy(data, 0, nonce, 0, NonceSize);
                var slot = Rent();
                try
                {
                    var cipher = slot.Init(false, _key, nonce, associatedData);
                    var output = new byte[cipher.GetOutputSize(data.Length - NonceSize)];
                    var len = cipher.ProcessBytes(data, NonceSize, data.Length - NonceSize, output, 0);
                    len += cipher.DoFinal(output, len);
                    if (len != output.Length)
                    {
                        Array.Resize(ref output, len);
                    }

                    return output;
                }
                catch (InvalidCipherTextException)
                {
                    // A failed tag check leaves the cipher reset but keyed; it stays usable.
                    throw;
                }
                finally
                {
                    _pool.Add(slot);
                }
            }

            private Slot Rent() => _pool.TryTake(out var slot) ? slot : new Slot();

            private sealed class Slot
            {
                private readonly GcmBlockCipher _cipher = new GcmBlockCipher(AesUtilities.CreateEngine());
                private bool _keyed;

                internal GcmBlockCipher Init(bool encrypt, KeyParameter key, byte[] nonce, byte[] associatedData)
                {
                    // A null key keeps the previous key schedule and multiplier tables (same key, new nonce).
                    _cipher.Init(encrypt, new AeadParameters(_keyed ? null! : key, TagSize * 8, nonce, associatedData));
                    _keyed = true;
                    return _cipher;
                }
            }
        }

        internal static byte[] Sha3_512(byte[] data) => Sha3_512(data, 0, data.Length);

        /// <summary>
        /// SHA3-512 of <paramref name="count"/> bytes: the platform's (OpenSSL on Linux, CNG on recent Windows; .NET 8 and
        /// later) where it has SHA3, otherwise BouncyCastle's managed Keccak. The function is the same (FIPS 202); the
        /// platform's took 10-11 µs for 1.5 KB where BouncyCastle's took 13-15 µs here, and hashing is the largest part of
        /// sealing a record.
        /// </summary>
        internal static byte[] Sha3_512(byte[] data, int offset, int count)
        {
            if (PlatformSha3)
            {
                var hash = t_platformSha3 ?? (t_platformSha3 = IncrementalHash.CreateHash(Sha3_512Name));
                hash.AppendData(data, offset, count);
                return hash.GetHashAndReset();
            }

            return ManagedSha3_512(data, offset, count);
        }

        /// <summary>SHA3-512 with BouncyCastle's Keccak, whatever the platform has (the fallback, and the reference in tests).</summary>
        internal static byte[] ManagedSha3_512(byte[] data, int offset, int count)
        {
            var digest = t_managedSha3 ?? (t_managedSha3 = new Sha3Digest(512));
            digest.BlockUpdate(data, offset, count);
            var output = new byte[64];
            digest.DoFinal(output, 0); // also resets it for the next call
            return output;
        }

        // .NET 8's HashAlgorithmName.SHA3_512, spelt out: Core targets netstandard2.0, where the name does not exist.
        // Declared before PlatformSha3, whose initialiser reads it.
        private static readonly HashAlgorithmName Sha3_512Name = new HashAlgorithmName("SHA3-512");

        /// <summary>Whether <see cref="Sha3_512(byte[], int, int)"/> uses the platform's SHA3.</summary>
        internal static bool PlatformSha3 { get; } = ProbePlatformSha3();

        [ThreadStatic]
        private static IncrementalHash? t_platformSha3;

        [ThreadStatic]
        private static Sha3Digest? t_managedSha3;

        private static bool ProbePlatformSha3()
        {
            // Used only when it gives BouncyCastle's answer; .NET Framework and platforms without SHA3 throw.
            var probe = Encoding.ASCII.GetBytes("NeuralTrader.Swarm SHA3-512 probe");
            try
            {
                using (var hash = IncrementalHash.CreateHash(Sha3_512Name))
                {
                    hash.AppendData(probe);
                    return FixedTimeEquals(hash.GetHashAndReset(), ManagedSha3_512(probe, 0, probe.Length));
                }
            }
            catch (CryptographicException)
            {
                return false;
            }
            catch (PlatformNotSupportedException)
            {
                return false;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>HKDF with SHA3-256, producing a 32-byte key.</summary>
        internal static byte[] HkdfSha3(byte[] secret, byte[] salt, string info, string? context = null)
        {
            var infoBytes = Encoding.UTF8.GetBytes(context is null ? info : info + "\n" + context);
            var hkdf = new HkdfBytesGenerator(new Sha3Digest(256));
            hkdf.Init(new HkdfParameters(secret, salt, infoBytes));
            var output = new byte[KeySize];
            hkdf.GenerateBytes(output, 0, output.Length);
            return output;
        }

        /// <summary>
        /// PBKDF2-HMAC-SHA256 (RFC 8018) for one 32-byte block, over the platform HMAC: BouncyCastle's managed HMAC makes
        /// 600,000 iterations take seconds, the OS implementation a fraction of that. netstandard2.0 has no
        /// <c>Rfc2898DeriveBytes</c> with SHA-256, hence this loop. Checked against RFC 7914's vector and BouncyCastle in tests.
        /// </summary>
        internal static byte[] Pbkdf2Sha256(char[] passphrase, byte[] salt, int iterations)
        {
            var passwordBytes = Encoding.UTF8.GetBytes(passphrase);
            try
            {
                using (var hmac = new System.Security.Cryptography.HMACSHA256(passwordBytes))
                {
                    var block = new byte[salt.Length + 4];
                    Buffer.BlockCopy(salt, 0, block, 0, salt.Length);
                    block[block.Length - 1] = 1;
                    var u = hmac.ComputeHash(block);
                    var result = (byte[])u.Clone();
                    for (var i = 1; i < iterations; i++)
                    {
                        u = hmac.ComputeHash(u);
                        for (var j = 0; j < result.Length; j++)
                        {
                            result[j] ^= u[j];
                        }
                    }

                    return result;
                }
            }
            finally
            {
                Array.Clear(passwordBytes, 0, passwordBytes.Length);
            }
        }

        /// <summary>BouncyCastle PBKDF2-HMAC-SHA256, kept to cross-check <see cref="Pbkdf2Sha256"/>.</summary>
        internal static byte[] Pbkdf2Sha256Reference(char[] passphrase, byte[] salt, int iterations)
        {
            var generator = new Pkcs5S2ParametersGenerator(new Sha256Digest());
            var passwordBytes = PbeParametersGenerator.Pkcs5PasswordToUtf8Bytes(passphrase);
            try
            {
                generator.Init(passwordBytes, salt, iterations);
                return ((KeyParameter)generator.GenerateDerivedMacParameters(KeySize * 8)).GetKey();
            }
            finally
            {
                Array.Clear(passwordBytes, 0, passwordBytes.Length);
            }
        }

        /// <summary>Key id: the first 16 bytes of SHA3-512(domain || material), as lower-case hex. Never the key.</summary>
        internal static string KeyId(string domain, byte[] material)
        {
            var domainBytes = Encoding.UTF8.GetBytes(domain);
            var buffer = new byte[domainBytes.Length + material.Length];
            Buffer.BlockCopy(domainBytes, 0, buffer, 0, domainBytes.Length);
            Buffer.BlockCopy(material, 0, buffer, domainBytes.Length, material.Length);
            var hash = Sha3_512(buffer);
            Array.Clear(buffer, 0, buffer.Length);
            return ToHex(hash, 16);
        }

        internal static string ToHex(byte[] bytes, int count = -1)
        {
            if (count < 0)
            {
                count = bytes.Length;
            }

            var chars = new char[count * 2];
            const string digits = "0123456789abcdef";
            for (var i = 0; i < count; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[(2 * i) + 1] = digits[bytes[i] & 0xF];
            }

            return new string(chars);
        }

        internal static byte[] FromHex(string hex)
        {
            if (hex.Length % 2 != 0)
            {
                throw new FormatException("odd hex length");
            }

            var bytes = new byte[hex.Length / 2];
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            }

            return bytes;
        }

        internal static bool FixedTimeEquals(byte[] a, byte[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            var diff = 0;
            for (var i = 0; i < a.Length; i++)
            {
                diff |= a[i] ^ b[i];
            }

            return diff == 0;
        }
    }
}
