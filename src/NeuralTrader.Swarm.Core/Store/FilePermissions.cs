using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Owner-only permissions on Unix. Windows: the per-user LocalAppData ACL already restricts the default location.</summary>
    internal static class FilePermissions
    {
        private const int OwnerReadWrite = 0x180; // 0600
        private const int OwnerAll = 0x1C0; // 0700

        internal static void RestrictFile(string path) => Restrict(path, OwnerReadWrite);

        internal static void RestrictDirectory(string path) => Restrict(path, OwnerAll);

        private static void Restrict(string path, int mode)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            // Core targets netstandard2.0, which lacks File.SetUnixFileMode; on .NET 7+ runtimes (PowerShell 7.4+) we
            // call it through reflection and fall back to libc chmod elsewhere (e.g. Mono). See dotnet/runtime#67837.
            try
            {
                var modeType = Type.GetType("System.IO.UnixFileMode, System.Runtime", throwOnError: false)
                    ?? typeof(File).Assembly.GetType("System.IO.UnixFileMode", throwOnError: false);
                var method = modeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), modeType });
                if (method != null && modeType != null)
                {
                    method.Invoke(null, new[] { path, Enum.ToObject(modeType, mode) });
                    return;
                }
            }
            catch (TargetInvocationException)
            {
                // fall through to chmod
            }

            try
            {
                _ = chmod(path, mode);
            }
            catch (DllNotFoundException)
            {
                // No libc: nothing more we can do; the store still works.
            }
            catch (EntryPointNotFoundException)
            {
            }
        }

        [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // libc naming
        private static extern int chmod(string pathname, int mode);
#pragma warning restore SA1300, IDE1006
    }
}
