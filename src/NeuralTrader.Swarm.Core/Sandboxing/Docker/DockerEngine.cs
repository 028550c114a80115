using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Where the Docker engine is and one shared <see cref="DockerClient"/> per endpoint. The endpoint is the
    /// configured one, else <c>DOCKER_HOST</c>, else the platform default (the unix socket, or the named pipe on Windows).
    /// </summary>
    public static class DockerEngine
    {
        private static readonly ConcurrentDictionary<string, Lazy<DockerClient>> Clients =
            new ConcurrentDictionary<string, Lazy<DockerClient>>(StringComparer.Ordinal);

        /// <summary>Default timeout of a single engine call (streams such as attach and build have none).</summary>
        public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

        /// <summary>The platform's default endpoint.</summary>
        public static Uri DefaultEndpoint => RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? new Uri("npipe://./pipe/docker_engine")
            : new Uri("unix:///var/run/docker.sock");

        /// <summary>Resolves the endpoint: <paramref name="configured"/>, <c>DOCKER_HOST</c> or the default.</summary>
        public static Uri ResolveEndpoint(string? configured = null)
        {
            var text = !string.IsNullOrWhiteSpace(configured) ? configured : Environment.GetEnvironmentVariable("DOCKER_HOST");
            if (string.IsNullOrWhiteSpace(text))
                return DefaultEndpoint;
            if (!Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var uri))
            {
                throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.InvalidArgument,
                    $"The Docker endpoint '{text}' is not a valid URI; use unix:///path, npipe://./pipe/name or tcp://host:port.");
            }

            switch (uri.Scheme)
            {
                case "unix":
                case "npipe":
                case "http":
                    return uri;
                case "tcp":
                    return uri;
                default:
                    throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.InvalidArgument,
                        $"The Docker endpoint scheme '{uri.Scheme}' is not supported; use unix://, npipe:// or tcp:// (ssh:// endpoints: forward the socket and use unix://).");
            }
        }

        /// <summary>
        /// TLS as the docker CLI does it: on for tcp:// when DOCKER_TLS_VERIFY is set (verifying the server
        /// against ca.pem) or when DOCKER_CERT_PATH is set (client certificate, no verification).
        /// </summary>
        private static Credentials? TlsCredentials(Uri endpoint)
        {
            if (endpoint.Scheme != "tcp")
                return null;
            var verifyText = Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY");
            var verify = !string.IsNullOrEmpty(verifyText) && verifyText != "0";
            var certPath = Environment.GetEnvironmentVariable("DOCKER_CERT_PATH");
            if (!verify && string.IsNullOrEmpty(certPath))
                return null;
            if (string.IsNullOrEmpty(certPath))
                certPath = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            return DockerTlsCredentials.Load(certPath!, verify);
        }

        /// <summary>The shared client of an endpoint; created on first use and kept for the process lifetime.</summary>
        public static DockerClient GetClient(Uri endpoint) =>
            Clients.GetOrAdd(ClientKey(endpoint), key => new Lazy<DockerClient>(() =>
                new DockerClientConfiguration(endpoint, TlsCredentials(endpoint), CallTimeout).CreateClient())).Value;

        /// <summary>The endpoint plus, for tcp://, the TLS settings: other credentials mean another client.</summary>
        private static string ClientKey(Uri endpoint) =>
            endpoint.Scheme != "tcp" ? endpoint.ToString()
                : endpoint + "|" + Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") + "|" + Environment.GetEnvironmentVariable("DOCKER_CERT_PATH");

        /// <summary>
        /// Pings the engine; throws DockerUnavailable (with how to start Docker) when it does not answer within
        /// <paramref name="timeout"/>.
        /// </summary>
        public static async Task PingAsync(Uri endpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var client = GetClient(endpoint);
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                try
                {
                    var ping = client.System.PingAsync(cts.Token);
                    // Some transports ignore the token while connecting; the delay bounds the wait regardless.
                    var winner = await Task.WhenAny(ping, Task.Delay(timeout + TimeSpan.FromMilliseconds(200), cancellationToken)).ConfigureAwait(false);
                    if (winner != ping)
                    {
                        _ = ping.ContinueWith(t => t.Exception, TaskScheduler.Default);
                        cancellationToken.ThrowIfCancellationRequested();
                        throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s");
                    }
                    await ping.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Unavailable(endpoint, new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s"));
                }
                catch (Exception e) when (IsUnreachable(e, cancellationToken))
                {
                    throw Unavailable(endpoint, e);
                }
            }
        }

        /// <summary>Awaits an engine call, turning an unreachable engine into DockerUnavailable naming <paramref name="endpoint"/>.</summary>
        internal static async Task<T> Call<T>(Uri endpoint, Task<T> call, CancellationToken cancellationToken)
        {
            try
            {
                return await call.ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnreachable(e, cancellationToken))
            {
                throw Unavailable(endpoint, e);
            }
        }

        /// <summary>Awaits an engine call that returns nothing, as <see cref="Call{T}"/>.</summary>
        internal static async Task Call(Uri endpoint, Task call, CancellationToken cancellationToken)
        {
            try
            {
                await call.ConfigureAwait(false);
            }
            catch (Exception e) when (IsUnreachable(e, cancellationToken))
            {
                throw Unavailable(endpoint, e);
            }
        }

        /// <summary>What the engine said when it refused a call, cut to 500 characters for an error message.</summary>
        internal static string Refusal(DockerApiException e)
        {
            var text = (e.ResponseBody ?? e.Message).Trim();
            return text.Length > 500 ? text.Substring(0, 500) + "..." : text;
        }

        /// <summary>Whether an exception from Docker.DotNet means the engine could not be reached.</summary>
        internal static bool IsUnreachable(Exception e, CancellationToken cancellationToken)
        {
            if (e is SwarmException || e is DockerApiException)
                return false;
            if (e is OperationCanceledException)
                return !cancellationToken.IsCancellationRequested;
            for (var x = (Exception?)e; x != null; x = x.InnerException)
            {
                if (x is HttpRequestException || x is SocketException || x is IOException || x is TimeoutException ||
                    x is WebException || x is UnauthorizedAccessException || x is System.Security.Authentication.AuthenticationException)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The DockerUnavailable error, saying how to start Docker.</summary>
        internal static SwarmException Unavailable(Uri endpoint, Exception? cause) =>
            new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.Unavailable,
                $"The Docker engine at {endpoint} is not reachable" + (cause != null ? $" ({Describe(cause)})" : "") + ". " +
                "Start Docker (Linux: `sudo systemctl start docker` or run `dockerd`; Windows and macOS: start Docker Desktop), " +
                "point DOCKER_HOST at a running engine, or use {isolation=process}.", endpoint.ToString(), cause);

        private static string Describe(Exception e)
        {
            var inner = e;
            while (inner.InnerException != null && (inner is HttpRequestException || inner is AggregateException))
                inner = inner.InnerException;
            return inner.Message;
        }
    }
}
