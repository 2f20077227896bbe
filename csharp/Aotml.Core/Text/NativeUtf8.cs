using System.Runtime.InteropServices;
using System.Text;

namespace Aotml.Text;

/// <summary>NUL-terminated UTF-8 copies of strings in native memory (for C callers and C APIs alike).</summary>
public static unsafe class NativeUtf8
{
    /// <summary>Allocates with NativeMemory.Alloc; the caller frees with NativeMemory.Free (or aotml_free).</summary>
    public static byte* Alloc(string s) => Alloc(s, out _);

    /// <summary>As <see cref="Alloc(string)"/>, also giving the byte length without the NUL.</summary>
    public static byte* Alloc(string s, out int length)
    {
        length = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)NativeMemory.Alloc((nuint)length + 1);
        fixed (char* c = s) Encoding.UTF8.GetBytes(c, s.Length, p, length);
        p[length] = 0;
        return p;
    }
}
