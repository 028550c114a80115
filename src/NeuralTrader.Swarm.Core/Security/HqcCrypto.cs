using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pqc.Crypto.Hqc;

namespace NeuralTrader.Swarm.Core.Security
{
    /// <summary>HQC-128 KEM through BouncyCastle.</summary>
    internal static class HqcCrypto
    {
        internal static HqcParameters Parameters => HqcParameters.hqc128;

        internal static (byte[] PublicKey, byte[] PrivateKey) GenerateKeyPair()
        {
            var generator = new HqcKeyPairGenerator();
            generator.Init(new HqcKeyGenerationParameters(CryptoPrimitives.NewSecureRandom(), Parameters));
            AsymmetricCipherKeyPair pair = generator.GenerateKeyPair();
            var publicKey = ((HqcPublicKeyParameters)pair.Public).GetEncoded();
            var privateKey = ((HqcPrivateKeyParameters)pair.Private).GetEncoded();
            return (publicKey, privateKey);
        }

        internal static (byte[] Encapsulation, byte[] Secret) Encapsulate(byte[] publicKey)
        {
            var generator = new HqcKemGenerator(CryptoPrimitives.NewSecureRandom());
            using (var result = generator.GenerateEncapsulated(new HqcPublicKeyParameters(Parameters, publicKey)))
            {
                return (result.GetEncapsulation(), result.GetSecret());
            }
        }

        internal static byte[] Decapsulate(byte[] privateKey, byte[] encapsulation)
        {
            var extractor = new HqcKemExtractor(new HqcPrivateKeyParameters(Parameters, privateKey));
            return extractor.ExtractSecret(encapsulation);
        }
    }
}
