using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace NeuralTrader.Swarm.Loader
{
    /// <summary>
    /// The module's own load context (PowerShell 7.4+). The psm1 loads this assembly into the default context
    /// and calls <see cref="Initialize"/>; the cmdlet assembly and every dependency it names in its .deps.json
    /// (Docker.DotNet with its Newtonsoft.Json, BouncyCastle, SQLite and its native library, logging) then load
    /// here, apart from the copies PowerShell or another module may already have loaded.
    /// Pattern: https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts
    /// and jborean93/PSToml's LoadContext.
    /// </summary>
    public sealed class LoadContext : AssemblyLoadContext
    {
        private static readonly object s_lock = new object();
        private static LoadContext? s_instance;

        private readonly AssemblyDependencyResolver _resolver;
        private readonly string _directory;
        private readonly string _frameworkDirectory;
        private readonly Assembly _main;

        private LoadContext(string mainAssemblyPath)
            : base("NeuralTrader.Swarm", isCollectible: false)
        {
            _directory = Path.GetDirectoryName(mainAssemblyPath)!;
            _frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
            _main = LoadFromAssemblyPath(mainAssemblyPath);
        }

        /// <summary>The context, once <see cref="Initialize"/> has run.</summary>
        public static LoadContext? Instance => s_instance;

        /// <summary>The cmdlet assembly loaded in this context.</summary>
        public Assembly MainAssembly => _main;

        /// <summary>
        /// Creates the context on first call and returns the cmdlet assembly loaded in it. Later calls (a second
        /// Import-Module -Force) return the same assembly: a non-collectible context cannot load it twice.
        /// </summary>
        public static Assembly Initialize(string mainAssemblyPath)
        {
            if (string.IsNullOrEmpty(mainAssemblyPath))
                throw new ArgumentNullException(nameof(mainAssemblyPath));
            lock (s_lock)
            {
                s_instance ??= new LoadContext(Path.GetFullPath(mainAssemblyPath));
                return s_instance._main;
            }
        }

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (string.IsNullOrEmpty(name))
                return null;

            // The cmdlets derive from PowerShell's own types: the engine must come from the default context.
            if (name.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("Microsoft.PowerShell.", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            // Framework assemblies (System.Memory, System.Text.Json, ...) that the runtime ships at the same or a
            // newer version: use the runtime's. Loading the netstandard package copies here would duplicate core
            // types such as Span<T>. Only the shared framework folder counts, not the host's own files: pwsh's
            // Newtonsoft.Json is exactly what must stay apart.
            var framework = Path.Combine(_frameworkDirectory, name + ".dll");
            if (File.Exists(framework) && IsAtLeast(framework, assemblyName.Version))
                return null;

            var path = _resolver.ResolveAssemblyToPath(assemblyName);
            if (path == null)
            {
                var local = Path.Combine(_directory, name + ".dll");
                if (File.Exists(local))
                    path = local;
            }
            return path == null ? null : LoadFromAssemblyPath(path);
        }

        /// <inheritdoc />
        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            // SQLite's e_sqlite3 lives in runtimes/<rid>/native; the .deps.json names it for each platform and
            // the resolver picks this machine's. Without this override the native library is not found.
            var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) ?? ProbeNative(unmanagedDllName);
            return path == null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }

        /// <summary>
        /// A netstandard library's .deps.json does not list runtime-specific native assets, so the resolver can
        /// miss them: look in runtimes/&lt;rid&gt;/native/ for this machine's RID and its portable form.
        /// </summary>
        private string? ProbeNative(string name)
        {
            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win" : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
            var rids = new[] { RuntimeInformation.RuntimeIdentifier, (os == "linux" && File.Exists("/etc/alpine-release") ? "linux-musl" : os) + "-" + arch };
            var files = os == "win" ? new[] { name, name + ".dll" }
                : os == "osx" ? new[] { name, "lib" + name + ".dylib", name + ".dylib" }
                : new[] { name, "lib" + name + ".so", name + ".so" };
            foreach (var rid in rids)
            {
                foreach (var file in files)
                {
                    var candidate = Path.Combine(_directory, "runtimes", rid, "native", file);
                    if (File.Exists(candidate))
                        return candidate;
                }
            }

            return null;
        }

        private static bool IsAtLeast(string path, Version? wanted)
        {
            try
            {
                var available = AssemblyName.GetAssemblyName(path).Version;
                return wanted == null || (available != null && available >= wanted);
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }
    }
}
