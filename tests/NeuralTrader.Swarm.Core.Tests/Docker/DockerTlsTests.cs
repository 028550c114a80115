using System;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>
    /// tcp:// with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH: a TLS front on 127.0.0.1 that demands a client
    /// certificate and forwards to the local engine's socket stands in for a remote TLS engine.
    /// </summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerTlsTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nts-tls-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly X509Certificate2 _serverCert;
        private readonly X509Certificate2 _ca;

        public DockerTlsTests()
        {
            Directory.CreateDirectory(_dir);
            using var caKey = RSA.Create(2048);
            var caRequest = new CertificateRequest("CN=nts-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddHours(2));

            using var serverKey = RSA.Create(2048);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            serverRequest.CertificateExtensions.Add(san.Build());
            using (var signed = serverRequest.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), new byte[] { 1 }))
                _serverCert = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pfx), null);

            using var clientKey = RSA.Create(2048);
            var clientRequest = new CertificateRequest("CN=nts-client", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }, false));
            using var client = clientRequest.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), new byte[] { 2 });
            File.WriteAllText(Path.Combine(_dir, "ca.pem"), _ca.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_dir, "cert.pem"), client.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_dir, "key.pem"), clientKey.ExportRSAPrivateKeyPem());
        }

        [Fact]
        public void Pem_client_certificate_and_pkcs1_key_load_with_the_private_key()
        {
            var cert = DockerTlsCredentials.ToX509Certificate2(File.ReadAllText(Path.Combine(_dir, "cert.pem")), File.ReadAllText(Path.Combine(_dir, "key.pem")));
            Assert.True(cert.HasPrivateKey);
            Assert.Equal("CN=nts-client", cert.Subject);
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var ecCert = new CertificateRequest("CN=ec", ec, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
            Assert.True(DockerTlsCredentials.ToX509Certificate2(ecCert.ExportCertificatePem(), ec.ExportECPrivateKeyPem()).HasPrivateKey);
            Assert.True(DockerTlsCredentials.ToX509Certificate2(ecCert.ExportCertificatePem(), ec.ExportPkcs8PrivateKeyPem()).HasPrivateKey);
        }

        [DockerFact]
        public async Task Tcp_endpoint_with_DOCKER_TLS_VERIFY_uses_the_client_certificate_and_verifies_the_server()
        {
            var engine = DockerEngine.ResolveEndpoint();
            if (engine.Scheme != "unix")
                return;
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var stop = new CancellationTokenSource();
            string? seenClient = null;
            var serve = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient tcp;
                    try { tcp = await listener.AcceptTcpClientAsync(stop.Token); }
                    catch (Exception) { return; }
                    _ = Task.Run(async () =>
                    {
                        using (tcp)
                        using (var ssl = new SslStream(tcp.GetStream(), false, (_, cert, _, _) => { seenClient = cert?.Subject; return cert != null; }))
                        using (var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
                        {
                            try
                            {
                                await ssl.AuthenticateAsServerAsync(_serverCert, clientCertificateRequired: true, checkCertificateRevocation: false);
                                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(engine.LocalPath));
                                using var up = new NetworkStream(upstream);
                                await Task.WhenAny(ssl.CopyToAsync(up), up.CopyToAsync(ssl));
                            }
                            catch (Exception)
                            {
                                // Handshake refused or connection closed.
                            }
                        }
                    });
                }
            });

            var saved = (Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY"), Environment.GetEnvironmentVariable("DOCKER_CERT_PATH"));
            try
            {
                Environment.SetEnvironmentVariable("DOCKER_TLS_VERIFY", "1");
                Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", _dir);
                var endpoint = DockerEngine.ResolveEndpoint("tcp://127.0.0.1:" + port);
                await DockerEngine.PingAsync(endpoint, TimeSpan.FromSeconds(10));
                Assert.NotNull(seenClient);
                Assert.Contains("CN=nts-client", seenClient!);
                var version = await DockerEngine.GetClient(endpoint).System.GetVersionAsync();
                Assert.False(string.IsNullOrEmpty(version.APIVersion));

                // A server whose certificate does not chain to ca.pem is refused.
                var otherDir = Path.Combine(_dir, "other");
                Directory.CreateDirectory(otherDir);
                using (var otherKey = RSA.Create(2048))
                {
                    var otherCa = new CertificateRequest("CN=other-ca", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                        .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
                    File.WriteAllText(Path.Combine(otherDir, "ca.pem"), otherCa.ExportCertificatePem());
                }
                File.Copy(Path.Combine(_dir, "cert.pem"), Path.Combine(otherDir, "cert.pem"));
                File.Copy(Path.Combine(_dir, "key.pem"), Path.Combine(otherDir, "key.pem"));
                Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", otherDir);
                // Other TLS settings make another client for the same endpoint.
                var error = await Assert.ThrowsAsync<SwarmException>(() => DockerEngine.PingAsync(endpoint, TimeSpan.FromSeconds(10)));
                Assert.Equal(SwarmErrorIds.DockerUnavailable, error.ErrorId);
            }
            finally
            {
                Environment.SetEnvironmentVariable("DOCKER_TLS_VERIFY", saved.Item1);
                Environment.SetEnvironmentVariable("DOCKER_CERT_PATH", saved.Item2);
                stop.Cancel();
                listener.Stop();
            }
        }

        public void Dispose()
        {
            _serverCert.Dispose();
            _ca.Dispose();
            if (Directory.Exists(_dir))
                Directory.Delete(_dir, true);
        }
    }
}
