using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Core.Sandboxing.Swarm
{
    /// <summary>
    /// Gets the sandbox image to every node: pushed through the manager to the configured registry and pinned by
    /// digest, or, without a registry, checked present on every active node (naming those that lack it). The
    /// built-in image is built on the manager's engine first. Each image is resolved once.
    /// </summary>
    internal sealed class SwarmImages
    {
        private readonly SwarmSandboxOptions _options;
        private readonly Uri _manager;
        private readonly DockerClient _managerClient;
        private readonly SwarmNodes _nodes;
        private readonly ILogger _logger;
        private readonly CancellationToken _disposing;
        private readonly ConcurrentDictionary<string, Task<string>> _resolved = new ConcurrentDictionary<string, Task<string>>(StringComparer.Ordinal);

        public SwarmImages(SwarmSandboxOptions options, Uri manager, DockerClient managerClient, SwarmNodes nodes, ILogger logger, CancellationToken disposing)
        {
            _options = options;
            _manager = manager;
            _managerClient = managerClient;
            _nodes = nodes;
            _logger = logger;
            _disposing = disposing;
        }

        /// <summary>The reference services run for <paramref name="configured"/> (null: the built-in image).</summary>
        public async Task<string> ResolveAsync(string? configured, string strategy, CancellationToken cancellationToken)
        {
            var key = configured ?? "";
            // Shared by concurrent creations, so it runs on the provider's lifetime token; each caller can stop waiting.
            var resolving = _resolved.GetOrAdd(key, _ => ResolveCoreAsync(configured, strategy));
            try
            {
                return await WithCancellation(resolving, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (resolving.IsFaulted || resolving.IsCanceled)
            {
                _resolved.TryRemove(key, out _);
                throw;
            }
        }

        private async Task<string> ResolveCoreAsync(string? configured, string strategy)
        {
            var image = configured ?? await new SandboxImageBuilder(_managerClient, _options.Container.RunnerDirectory, _options.Container.BuiltInImageTag, _logger)
                .EnsureAsync(_disposing).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_options.Registry))
                return await PushAsync(image, strategy).ConfigureAwait(false);
            await VerifyOnEveryNodeAsync(image, strategy).ConfigureAwait(false);
            return image;
        }

        private async Task<string> PushAsync(string image, string strategy)
        {
            var registry = _options.Registry!.Trim().TrimEnd('/');
            var (repository, tag) = SplitReference(image);
            var target = registry + "/" + repository;
            try
            {
                await DockerEngine.Call(_manager, _managerClient.Images.TagImageAsync(image, new ImageTagParameters { RepositoryName = target, Tag = tag, Force = true }, _disposing), _disposing).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.NotFound,
                    $"The sandbox image '{image}' is not on the Swarm manager's engine ({_manager}), and images are never pulled from elsewhere. Build or load it there first.", strategy, e);
            }
            var errors = new List<string>();
            await DockerEngine.Call(_manager, _managerClient.Images.PushImageAsync(target, new ImagePushParameters { Tag = tag }, new AuthConfig(), new SynchronousProgress<JSONMessage>(m =>
            {
                var error = m.Error?.Message ?? m.ErrorMessage;
                if (!string.IsNullOrEmpty(error))
                    lock (errors) errors.Add(error);
            }), _disposing), _disposing).ConfigureAwait(false);
            var pushed = await DockerEngine.Call(_manager, _managerClient.Images.InspectImageAsync(target + ":" + tag, _disposing), _disposing).ConfigureAwait(false);
            var digest = pushed.RepoDigests?.FirstOrDefault(d => d.StartsWith(target + "@", StringComparison.Ordinal));
            if (errors.Count > 0 || digest == null)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                    $"Pushing the sandbox image '{image}' to the registry {registry} failed: " +
                    (errors.Count > 0 ? string.Join("; ", errors) : "the registry returned no digest") +
                    ". The engines must reach the registry (an http registry needs --insecure-registry on every engine).", strategy);
            }

            SwarmLog.ImagePushed(_logger, image, digest);
            return digest;
        }

        private async Task VerifyOnEveryNodeAsync(string image, string strategy)
        {
            var lacking = new List<string>();
            foreach (var node in await _nodes.ActiveAsync(_disposing).ConfigureAwait(false))
            {
                try
                {
                    var host = await _nodes.HostAsync(node.ID, _disposing).ConfigureAwait(false);
                    await host.Client.Images.InspectImageAsync(image, _disposing).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    lacking.Add(SwarmNodes.Describe(node));
                }
                catch (Exception e) when (e is SwarmException || DockerEngine.IsUnreachable(e, _disposing))
                {
                    lacking.Add(SwarmNodes.Describe(node) + " [could not be checked: " + e.Message + "]");
                }
            }
            if (lacking.Count > 0)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.NotFound,
                    $"The sandbox image '{image}' is not on every Swarm node and no registry was given: missing on {string.Join("; ", lacking)}. " +
                    "Give a registry the engines can reach (-Registry host:port; the image is pushed there and pinned by digest), or load the image on those nodes.", strategy);
            }
        }

        /// <summary>Repository (without a registry host) and tag of an image reference; a digest-only reference gets a tag from its digest.</summary>
        internal static (string Repository, string Tag) SplitReference(string image)
        {
            var name = image;
            var tag = "latest";
            var at = name.IndexOf('@');
            if (at >= 0)
            {
                var digest = name.Substring(at + 1).Replace("sha256:", "");
                tag = "sha-" + digest.Substring(0, Math.Min(12, digest.Length));
                name = name.Substring(0, at);
            }
            var slash = name.LastIndexOf('/');
            var colon = name.LastIndexOf(':');
            if (colon > slash)
            {
                tag = name.Substring(colon + 1);
                name = name.Substring(0, colon);
            }
            var first = name.IndexOf('/');
            if (first > 0)
            {
                var head = name.Substring(0, first);
                if (head.IndexOf('.') >= 0 || head.IndexOf(':') >= 0 || head == "localhost")
                    name = name.Substring(first + 1);
            }
            return (name, tag);
        }

        private static async Task<T> WithCancellation<T>(Task<T> task, CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled)
                return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => cancelled.TrySetResult(true)))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                    cancellationToken.ThrowIfCancellationRequested();
            }
            return await task.ConfigureAwait(false);
        }
    }
}
