using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Builds the built-in sandbox image locally and offline: <c>FROM scratch</c> holding the Native AOT runner
    /// plus the three glibc files it needs (taken from this Linux host, or from a <c>sysroot/</c> folder beside
    /// the runner), running as user 65532. Where no glibc files are at hand (Windows, macOS) a locally present
    /// <c>mcr.microsoft.com/dotnet/runtime-deps</c> image is used as the base instead. Nothing is ever pulled.
    /// </summary>
    public sealed class SandboxImageBuilder
    {
        /// <summary>Repository of the built-in image.</summary>
        public const string Repository = "neuraltrader-swarm-runner";
        /// <summary>Environment variable naming the folder of the linux runner to put in the image.</summary>
        public const string RunnerDirectoryVariable = "NEURALTRADER_SANDBOX_RUNNER_DIR";
        /// <summary>The runner's file name inside the image and in its publish folder.</summary>
        public const string RunnerFileName = "NeuralTrader.Swarm.Runner";
        /// <summary>Numeric user the sandbox runs as.</summary>
        public const string SandboxUser = "65532:65532";
        /// <summary>Base image family used when no glibc files are at hand; only ever used when present locally.</summary>
        public const string RuntimeDepsRepository = "mcr.microsoft.com/dotnet/runtime-deps";

        private static readonly ConcurrentDictionary<string, SemaphoreSlim> BuildLocks = new ConcurrentDictionary<string, SemaphoreSlim>(StringComparer.Ordinal);
        private readonly DockerClient _client;
        private readonly ILogger _logger;
        private readonly string? _runnerDirectory;
        private readonly string? _tag;

        /// <summary>
        /// Creates a builder; <paramref name="tag"/> defaults to <see cref="VersionTag"/> plus a digest of the linux runner
        /// found, so an image always holds exactly the runner this module ships: a rebuilt runner gets a new image, and
        /// an image of another build of the same version (whose strategies may take other parameters) is never used.
        /// </summary>
        public SandboxImageBuilder(DockerClient client, string? runnerDirectory = null, string? tag = null, ILogger? logger = null)
        {
            _client = client;
            _runnerDirectory = runnerDirectory;
            _tag = string.IsNullOrEmpty(tag) ? ContentTag() : tag;
            _logger = logger ?? NullLogger.Instance;
        }

        /// <summary>
        /// A builder for the engine at <paramref name="endpoint"/> (null: DOCKER_HOST or the platform default), for
        /// <c>Build-SwarmSandboxImage</c>: <see cref="EnsureAsync"/> builds when missing, <see cref="BuildAsync"/> rebuilds.
        /// </summary>
        public static SandboxImageBuilder ForEndpoint(string? endpoint = null, string? runnerDirectory = null, string? tag = null, ILogger? logger = null) =>
            new SandboxImageBuilder(DockerEngine.GetClient(DockerEngine.ResolveEndpoint(endpoint)), runnerDirectory, tag, logger);

        /// <summary><c>neuraltrader-swarm-runner:&lt;module version&gt;</c>, the prefix of every built-in image's tag.</summary>
        public static string VersionTag => Repository + ":" + SwarmLabels.ModuleVersion;

        /// <summary>
        /// <see cref="VersionTag"/>-&lt;12 hex digits of the runner's SHA-256&gt; (the x64 runner, else the arm64 one),
        /// or null when this module has no linux runner at hand.
        /// </summary>
        private string? ContentTag()
        {
            var runner = LinuxRids.Select(FindRunner).FirstOrDefault(f => f != null);
            if (runner == null)
                return null;
            using var sha = SHA256.Create();
            using var file = File.OpenRead(runner);
            var hash = sha.ComputeHash(file);
            return VersionTag + "-" + BitConverter.ToString(hash, 0, 6).Replace("-", "").ToLowerInvariant();
        }

        private static readonly string[] LinuxRids = { "linux-x64", "linux-arm64" };

        /// <summary>
        /// The tag this builder builds; throws RunnerNotFound when no tag was given and no linux runner is at hand, as
        /// then no image can be known to hold this module's runner.
        /// </summary>
        public string Tag => _tag ?? throw NoRunner("linux-x64");

        /// <summary>Returns the tag, building the image first when the engine does not have it.</summary>
        public async Task<string> EnsureAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await EnsureCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerEngine.IsUnreachable(e, cancellationToken))
            {
                throw DockerEngine.Unavailable(_client.Configuration.EndpointBaseUri, e);
            }
        }

        private async Task<string> EnsureCoreAsync(CancellationToken cancellationToken)
        {
            if (await ExistsAsync(cancellationToken).ConfigureAwait(false))
                return Tag;
            var gate = BuildLocks.GetOrAdd(Tag, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await ExistsAsync(cancellationToken).ConfigureAwait(false))
                    return Tag;
                await BuildCoreAsync(cancellationToken).ConfigureAwait(false);
                return Tag;
            }
            finally
            {
                gate.Release();
            }
        }

        /// <summary>Whether the engine has the image.</summary>
        public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await _client.Images.InspectImageAsync(Tag, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DockerImageNotFoundException)
            {
                return false;
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
        }

        /// <summary>Builds (or rebuilds) the image from the runner's publish folder.</summary>
        public async Task BuildAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await BuildCoreAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerEngine.IsUnreachable(e, cancellationToken))
            {
                throw DockerEngine.Unavailable(_client.Configuration.EndpointBaseUri, e);
            }
        }

        private async Task BuildCoreAsync(CancellationToken cancellationToken)
        {
            var version = await _client.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var arch = ArchInfo.For(version.Arch);
            var runnerDir = LocateRunnerDirectory(arch.Rid);
            var runner = Path.Combine(runnerDir, RunnerFileName);

            var tar = new TarBuilder();
            tar.AddFile("runner/" + RunnerFileName, File.ReadAllBytes(runner), 0x1ED /* 0755 */);
            // sysroot/ beside the runner is copied to / as is; glibc files it lacks come from this host.
            var files = SysrootFiles(runnerDir);
            var complete = AddHostGlibc(files, arch);
            foreach (var file in files)
                tar.AddFile("sysroot" + file.Key, File.ReadAllBytes(file.Value), 0x1ED);
            string from = "scratch";
            if (!complete)
            {
                from = await FindLocalRuntimeDepsAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                        $"Cannot build the sandbox image {Tag}: the runner needs glibc ({string.Join(", ", arch.Libraries.Select(l => l.InImage))}) " +
                        $"and neither a sysroot/ folder beside the runner ({runnerDir}), this host, nor a local {RuntimeDepsRepository} image provides it. " +
                        $"Load a {RuntimeDepsRepository} image (e.g. `docker load`) or build on Linux.");
            }
            var dockerfile = GenerateDockerfile(from, files.Count > 0);
            tar.AddFile("Dockerfile", Encoding.UTF8.GetBytes(dockerfile));

            DockerLog.BuildingImage(_logger, Tag, from, runnerDir);
            var errors = new List<string>();
            var progress = new Progress<JSONMessage>(m =>
            {
                var error = m.Error?.Message ?? m.ErrorMessage;
                if (!string.IsNullOrEmpty(error))
                    lock (errors) errors.Add(error);
            });
            using (var context = tar.Finish())
            {
                await _client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
                {
                    Tags = new List<string> { Tag },
                    Dockerfile = "Dockerfile",
                    Remove = true,
                    ForceRemove = true,
                    NetworkMode = "none",
                    Labels = new Dictionary<string, string>
                    {
                        [SwarmLabels.ImageRole] = "runner",
                        [SwarmLabels.ImageRole + ".version"] = SwarmLabels.ModuleVersion,
                    },
                }, context, null, null, progress, cancellationToken).ConfigureAwait(false);
            }
            // Progress<T> posts asynchronously; give the last messages a moment before judging.
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            if (!await ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                string detail;
                lock (errors) detail = errors.Count > 0 ? string.Join("; ", errors) : "the engine reported no error but the image is missing";
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                    $"Building the sandbox image {Tag} failed: {detail}");
            }
            DockerLog.BuiltImage(_logger, Tag);
        }

        /// <summary>
        /// Cheap check used by isolation Auto: the image is on the engine, or a linux runner to build it from is
        /// at hand (so the first deployment will not fail with RunnerNotFound).
        /// </summary>
        public async Task<bool> IsAvailableOrBuildableAsync(CancellationToken cancellationToken = default) =>
            _tag != null && (LinuxRids.Any(rid => FindRunner(rid) != null) || await ExistsAsync(cancellationToken).ConfigureAwait(false));

        /// <summary>The Dockerfile of the built-in image.</summary>
        internal static string GenerateDockerfile(string from, bool copySysroot)
        {
            var sb = new StringBuilder();
            sb.Append("FROM ").Append(from).Append('\n');
            if (copySysroot)
                sb.Append("COPY sysroot/ /\n");
            sb.Append("COPY runner/").Append(RunnerFileName).Append(" /runner/").Append(RunnerFileName).Append('\n');
            sb.Append("ENV DOTNET_gcServer=0 DOTNET_TieredPGO=0\n");
            sb.Append("USER ").Append(SandboxUser).Append('\n');
            sb.Append("WORKDIR /tmp\n");
            sb.Append("ENTRYPOINT [\"/runner/").Append(RunnerFileName).Append("\"]\n");
            return sb.ToString();
        }

        /// <summary>The folder holding the linux runner: the configured one, the environment variable, or runner/&lt;rid&gt; beside Core.</summary>
        internal string LocateRunnerDirectory(string rid) =>
            Path.GetDirectoryName(Path.GetFullPath(FindRunner(rid) ?? throw NoRunner(rid)))!;

        /// <summary>Where the runner for <paramref name="rid"/> may be: the configured folder, the environment variable, or runner/&lt;rid&gt; beside Core.</summary>
        private IEnumerable<string> RunnerCandidates(string rid)
        {
            var explicitDir = _runnerDirectory ?? Environment.GetEnvironmentVariable(RunnerDirectoryVariable);
            var dirs = !string.IsNullOrEmpty(explicitDir) ? new[] { explicitDir! } : RunnerLocator.CandidateDirectories().Select(d => Path.Combine(d, rid));
            return dirs.Select(d => Path.Combine(d, RunnerFileName));
        }

        private string? FindRunner(string rid) => RunnerCandidates(rid).FirstOrDefault(File.Exists);

        private SwarmException NoRunner(string rid) =>
            new SwarmException(SwarmErrorIds.RunnerNotFound, SwarmErrorKind.Unavailable,
                $"The {rid} sandbox runner needed to build the image {VersionTag}-<runner digest> was not found. Looked in: {string.Join(", ", RunnerCandidates(rid))}. " +
                $"Publish it with `dotnet publish src/NeuralTrader.Swarm.Runner -r {rid} -c Release` and set {RunnerDirectoryVariable} to the output folder.");

        /// <summary>Files under sysroot/ beside the runner, keyed by their absolute path in the image.</summary>
        private static Dictionary<string, string> SysrootFiles(string runnerDir)
        {
            var sysroot = Path.Combine(runnerDir, "sysroot");
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!Directory.Exists(sysroot))
                return files;
            foreach (var file in Directory.GetFiles(sysroot, "*", SearchOption.AllDirectories))
                files["/" + file.Substring(sysroot.Length).TrimStart(Path.DirectorySeparatorChar, '/').Replace(Path.DirectorySeparatorChar, '/')] = file;
            return files;
        }

        /// <summary>Adds this Linux host's glibc files the sysroot lacks; false when some are still missing.</summary>
        private static bool AddHostGlibc(Dictionary<string, string> files, ArchInfo arch)
        {
            var hostUsable = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && string.Equals(RunnerLocator.CurrentRid, arch.Rid, StringComparison.Ordinal);
            var complete = true;
            foreach (var lib in arch.Libraries)
            {
                if (files.ContainsKey(lib.InImage))
                    continue;
                var found = hostUsable ? lib.HostCandidates.FirstOrDefault(File.Exists) : null;
                if (found == null)
                    complete = false;
                else
                    files[lib.InImage] = found;
            }
            if (!complete)
            {
                // A base image provides glibc then; partial copies would shadow it.
                foreach (var lib in arch.Libraries)
                    files.Remove(lib.InImage);
            }
            return complete;
        }

        private async Task<string?> FindLocalRuntimeDepsAsync(CancellationToken cancellationToken)
        {
            var images = await _client.Images.ListImagesAsync(new ImagesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["reference"] = new Dictionary<string, bool> { [RuntimeDepsRepository] = true },
                },
            }, cancellationToken).ConfigureAwait(false);
            return images.SelectMany(i => i.RepoTags ?? new List<string>())
                .Where(t => t.StartsWith(RuntimeDepsRepository + ":", StringComparison.Ordinal))
                .OrderByDescending(t => t, StringComparer.Ordinal)
                .FirstOrDefault();
        }

        /// <summary>Per-architecture names: the runtime identifier and where glibc lives.</summary>
        internal sealed class ArchInfo
        {
            private ArchInfo(string rid, string multiarch, string loader)
            {
                Rid = rid;
                Libraries = new[]
                {
                    new Library("/lib/" + multiarch + "/libc.so.6", multiarch),
                    new Library("/lib/" + multiarch + "/libm.so.6", multiarch),
                    new Library(loader, multiarch),
                };
            }

            public string Rid { get; }
            public IReadOnlyList<Library> Libraries { get; }

            public static ArchInfo For(string? engineArch)
            {
                switch ((engineArch ?? "").ToLowerInvariant())
                {
                    case "arm64":
                    case "aarch64":
                        return new ArchInfo("linux-arm64", "aarch64-linux-gnu", "/lib/ld-linux-aarch64.so.1");
                    default:
                        return new ArchInfo("linux-x64", "x86_64-linux-gnu", "/lib64/ld-linux-x86-64.so.2");
                }
            }
        }

        internal sealed class Library
        {
            public Library(string inImage, string multiarch)
            {
                InImage = inImage;
                var file = Path.GetFileName(inImage);
                HostCandidates = new[]
                {
                    inImage,
                    "/lib/" + multiarch + "/" + file,
                    "/usr/lib/" + multiarch + "/" + file,
                    "/usr" + inImage,
                };
            }

            public string InImage { get; }
            public IReadOnlyList<string> HostCandidates { get; }
        }
    }
}
