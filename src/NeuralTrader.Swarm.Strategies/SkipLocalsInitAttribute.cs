#if !NET
namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// netstandard2.0 lacks this attribute; the C# compiler honours it by name, so this declaration lets
    /// the same source skip zeroing stackalloc buffers on every target.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Module, Inherited = false)]
    internal sealed class SkipLocalsInitAttribute : Attribute
    {
    }
}
#endif
