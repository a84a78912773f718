using System.Runtime.InteropServices;

namespace LlmServe.Worker.Model.Kernels;

/// <summary>
/// Machine code made at run time, mapped executable and never written again: pages are filled while writable, then
/// switched to read + execute (never both at once), and live as long as the process.
/// </summary>
internal static partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private const long PageSize = 4096;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);

    /// <summary>
    /// The address of <paramref name="code"/> copied into fresh executable pages; null where Linux refuses executable
    /// mappings (a hardened kernel or policy) or the platform is not Linux, so callers keep their managed code.
    /// </summary>
    public static nint? TryLoad(ReadOnlySpan<byte> code)
    {
        if (!OperatingSystem.IsLinux() || code.IsEmpty)
        {
            return null;
        }
        var length = (nuint)((code.Length + PageSize - 1) / PageSize * PageSize);
        try
        {
            var pages = mmap(0, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (pages == -1)
            {
                return null;
            }
            unsafe
            {
                code.CopyTo(new Span<byte>((void*)pages, code.Length));
            }
            if (mprotect(pages, length, ProtRead | ProtExec) != 0)
            {
                munmap(pages, length);
                return null;
            }
            return pages;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }
}
