using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Microsoft.Net.Http.Client;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BcX509 = Org.BouncyCastle.X509;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// TLS client credentials for <c>tcp://</c> engines from <c>DOCKER_CERT_PATH</c> (cert.pem, key.pem, ca.pem),
    /// the docker CLI's layout. Written here rather than taking the Docker.DotNet.X509 package: the PEM key is
    /// read with BouncyCastle (already a Core dependency), since netstandard2.0 has no PEM import. The server
    /// certificate must chain to ca.pem when <c>DOCKER_TLS_VERIFY</c> is set.
    /// </summary>
    internal sealed class DockerTlsCredentials : Credentials
    {
        private readonly X509Certificate2 _client;
        private readonly X509Certificate2? _ca;
        private readonly bool _verify;

        private DockerTlsCredentials(X509Certificate2 client, X509Certificate2? ca, bool verify)
        {
            _client = client;
            _ca = ca;
            _verify = verify;
        }

        /// <summary>Loads the credentials from a folder with cert.pem, key.pem and (for verification) ca.pem.</summary>
        public static DockerTlsCredentials Load(string certPath, bool verify)
        {
            string Pem(string name)
            {
                var path = Path.Combine(certPath, name);
                if (!File.Exists(path))
                {
                    throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.InvalidArgument,
                        $"TLS to the Docker engine needs {path} (DOCKER_CERT_PATH={certPath}).");
                }

                return File.ReadAllText(path);
            }

            var client = ToX509Certificate2(Pem("cert.pem"), Pem("key.pem"));
            X509Certificate2? ca = null;
            if (verify)
                ca = new X509Certificate2(ReadCertificate(Pem("ca.pem")).GetEncoded());
            return new DockerTlsCredentials(client, ca, verify);
        }

        public override bool IsTlsCredentials() => true;

        public override HttpMessageHandler GetHandler(HttpMessageHandler innerHandler)
        {
            if (innerHandler is ManagedHandler managed)
            {
                managed.ClientCertificates = new X509CertificateCollection { _client };
                managed.ServerCertificateValidationCallback = ValidateServer;
            }
            return innerHandler;
        }

        private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (!_verify)
                return true;
            if (certificate == null || _ca == null)
                return false;
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                return false;
            using (var custom = new X509Chain())
            {
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                custom.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                custom.ChainPolicy.ExtraStore.Add(_ca);
                if (!custom.Build(new X509Certificate2(certificate)))
                    return false;
                // The root must be exactly ca.pem (AllowUnknownCertificateAuthority only lifts the system-store requirement).
                var root = custom.ChainElements.Cast<X509ChainElement>().Last().Certificate;
                return string.Equals(root.Thumbprint, _ca.Thumbprint, StringComparison.OrdinalIgnoreCase);
            }
        }

        private static BcX509.X509Certificate ReadCertificate(string pem)
        {
            using (var reader = new StringReader(pem))
            {
                var obj = new PemReader(reader).ReadObject();
                return obj as BcX509.X509Certificate
                    ?? throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.InvalidArgument, "A Docker TLS file does not hold a PEM certificate.");
            }
        }

        /// <summary>A certificate with its private key from PEM text (PKCS#1, PKCS#8 or SEC1 keys).</summary>
        internal static X509Certificate2 ToX509Certificate2(string certificatePem, string keyPem)
        {
            var certificate = ReadCertificate(certificatePem);
            AsymmetricKeyParameter key;
            using (var reader = new StringReader(keyPem))
            {
                var obj = new PemReader(reader).ReadObject();
                key = obj is AsymmetricCipherKeyPair pair ? pair.Private
                    : obj as AsymmetricKeyParameter
                    ?? throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.InvalidArgument, "key.pem does not hold a PEM private key.");
            }
            var store = new Pkcs12StoreBuilder().Build();
            var entry = new X509CertificateEntry(certificate);
            store.SetKeyEntry("docker", new AsymmetricKeyEntry(key), new[] { entry });
            var password = Guid.NewGuid().ToString("N");
            using (var buffer = new MemoryStream())
            {
                store.Save(buffer, password.ToCharArray(), new SecureRandom());
                return new X509Certificate2(buffer.ToArray(), password, X509KeyStorageFlags.Exportable);
            }
        }
    }
}
