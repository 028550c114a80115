using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Writes a file readable by its owner only: created empty, restricted to 0600 on Unix, then filled through a temporary
    /// file and moved into place. (Core's FilePermissions is internal; this is the cmdlet layer's copy of the same idea.)
    /// </summary>
    internal static class ProtectedFile
    {
        public static void Write(string path, string text)
        {
            var directory = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
                Directory.CreateDirectory(directory!);
            var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                }
                Restrict(temp);
                File.WriteAllText(temp, text, new UTF8Encoding(false));
                if (File.Exists(path))
                    File.Delete(path);
                File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp))
                    File.Delete(temp);
            }
        }

        private static void Restrict(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                return; // the per-user profile ACL applies
            // netstandard2.0 has no File.SetUnixFileMode: call it through reflection on .NET 7+ (PowerShell 7.4+ runs on .NET 8).
            var method = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(int) });
            var modeType = Type.GetType("System.IO.UnixFileMode");
            if (method != null && modeType != null)
                method.Invoke(null, new object[] { path, Enum.ToObject(modeType, 0x180) }); // UserRead | UserWrite
        }
    }
}
