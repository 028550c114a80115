using System.IO;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>Finds the market data shipped with the module (data/ beside Core, or one level up in the module layout).</summary>
    public static class BundledData
    {
        /// <summary>The bundled data folder; the first candidate when none exists, so errors name a real place.</summary>
        public static string Directory
        {
            get
            {
                var coreDir = Path.GetDirectoryName(typeof(BundledData).Assembly.Location) ?? ".";
                var candidates = new[] { Path.Combine(coreDir, "data"), Path.GetFullPath(Path.Combine(coreDir, "..", "data")) };
                return candidates.FirstOrDefault(System.IO.Directory.Exists) ?? candidates[0];
            }
        }
    }
}
