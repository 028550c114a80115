using System;
using System.Text;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class CryptoVectorTests
    {
        [Fact]
        public void Sha3_512MatchesTheFips202Vector()
        {
            Assert.Equal(
                "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
                CryptoPrimitives.ToHex(CryptoPrimitives.Sha3_512(Encoding.ASCII.GetBytes("abc"))));
        }

        [Fact]
        public void PlatformSha3_512AgreesWithBouncyCastleAtEveryLengthAroundItsBlocks()
        {
            // Records are hashed by the platform's SHA3 where it has one (OpenSSL here); stores written with either must
            // verify with the other. Lengths around the 72-byte rate, offsets inside a larger buffer, the same thread
            // twice (the per-thread hash comes back reset).
            var data = CryptoPrimitives.RandomBytes(1000);
            foreach (var length in new[] { 0, 1, 71, 72, 73, 143, 144, 145, 500, 999 })
            {
                for (var i = 0; i < 2; i++)
                {
                    Assert.Equal(CryptoPrimitives.ToHex(CryptoPrimitives.ManagedSha3_512(data, 1, length)), CryptoPrimitives.ToHex(CryptoPrimitives.Sha3_512(data, 1, length)));
                }
            }

            // On Linux with .NET 10 the platform (OpenSSL 3) has SHA3: the fast path is the one measured and tested here.
            if (System.OperatingSystem.IsLinux())
            {
                Assert.True(CryptoPrimitives.PlatformSha3);
            }
        }

        [Fact]
        public void Pbkdf2MatchesRfc7914AndBouncyCastle()
        {
            // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1 (first 32 bytes).
            Assert.Equal(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                CryptoPrimitives.ToHex(CryptoPrimitives.Pbkdf2Sha256("passwd".ToCharArray(), Encoding.ASCII.GetBytes("salt"), 1)));
            var salt = Encoding.ASCII.GetBytes("NeuralTrader.Swarm salt");
            Assert.Equal(
                CryptoPrimitives.ToHex(CryptoPrimitives.Pbkdf2Sha256Reference("pässwörd".ToCharArray(), salt, 2000)),
                CryptoPrimitives.ToHex(CryptoPrimitives.Pbkdf2Sha256("pässwörd".ToCharArray(), salt, 2000)));
        }

        [Fact]
        public void AesGcmRoundTripsAndRejectsOtherAssociatedData()
        {
            var key = new byte[32];
            var sealedBytes = CryptoPrimitives.AesGcmEncrypt(key, Encoding.UTF8.GetBytes("payload"), Encoding.UTF8.GetBytes("id-1"));
            Assert.Equal(12 + 7 + 16, sealedBytes.Length);
            Assert.Equal("payload", Encoding.UTF8.GetString(CryptoPrimitives.AesGcmDecrypt(key, sealedBytes, 0, sealedBytes.Length, Encoding.UTF8.GetBytes("id-1"))));
            Assert.ThrowsAny<Exception>(() => CryptoPrimitives.AesGcmDecrypt(key, sealedBytes, 0, sealedBytes.Length, Encoding.UTF8.GetBytes("id-2")));
            var again = CryptoPrimitives.AesGcmEncrypt(key, Encoding.UTF8.GetBytes("payload"), Encoding.UTF8.GetBytes("id-1"));
            Assert.NotEqual(Convert.ToHexString(sealedBytes, 0, 12), Convert.ToHexString(again, 0, 12));
        }

        [Fact]
        public void CanonicalBytesAndFingerprintAreStable()
        {
            var row = new RecordRow
            {
                Id = "r1",
                StartedAtMs = 1,
                CompletedAtMs = 2,
                Strategy = "s",
                Symbol = "SPY",
                Success = true,
                Score = 0.5,
                DurationMs = 1,
                Encryption = 0,
                Payload = Encoding.UTF8.GetBytes("{}"),
            };
            var canonical = row.CanonicalBytes();
            Assert.Equal(
                "01" + "00000002" + "7231" + "0000000000000001" + "0000000000000002" + "00000001" + "73" + "00000003" + "535059" + "01"
                + "3fe0000000000000" + "0000000000000001" + "00" + "00000000" + "00000000" + "00000002" + "7b7d" + "00000000",
                CryptoPrimitives.ToHex(canonical));
            var fingerprint = FingerprintChain.Unkeyed.Fingerprint(FingerprintChain.Genesis, row.ContentDigest());
            var expected = CryptoPrimitives.Sha3_512(Concat(Encoding.UTF8.GetBytes("NeuralTrader.Swarm/chain/v2"), new byte[64], CryptoPrimitives.Sha3_512(canonical)));
            Assert.Equal(CryptoPrimitives.ToHex(expected), CryptoPrimitives.ToHex(fingerprint));
        }

        [Fact]
        public void StreamedContentDigestEqualsTheDigestOfTheCanonicalBytes()
        {
            var rows = new[]
            {
                new RecordRow { Id = "r1", Strategy = "s", Symbol = "SPY", Payload = Encoding.UTF8.GetBytes("{}") },
                new RecordRow
                {
                    Id = "r-\u00e9t\u00e9-" + new string('x', 300), StartedAtMs = -5, CompletedAtMs = long.MaxValue, Strategy = "mean-reversion", Symbol = "\u6771\u4eac",
                    Success = true, Score = 0.123456789, DurationMs = 42, Encryption = 2, KeyId = "k", KemId = "kem",
                    Payload = CryptoPrimitives.RandomBytes(5000), OriginFingerprint = CryptoPrimitives.RandomBytes(64),
                },
            };
            foreach (var row in rows)
            {
                // Twice: the per-thread digest must come back reset.
                for (var i = 0; i < 2; i++)
                {
                    Assert.Equal(CryptoPrimitives.ToHex(CryptoPrimitives.Sha3_512(row.CanonicalBytes())), CryptoPrimitives.ToHex(row.ContentDigest()));
                }
            }
        }

        private static byte[] Concat(params byte[][] parts)
        {
            var length = 0;
            foreach (var p in parts)
            {
                length += p.Length;
            }

            var result = new byte[length];
            var offset = 0;
            foreach (var p in parts)
            {
                Buffer.BlockCopy(p, 0, result, offset, p.Length);
                offset += p.Length;
            }

            return result;
        }
    }
}
