using LlmServe.Worker.Model.Kernels;
using static TorchSharp.torch;

namespace LlmServe.Worker.Tests.Model.Kernels;

public sealed class HugePagesTests
{
    private const string Setting = "/sys/kernel/mm/transparent_hugepage/enabled";

    [Fact]
    public void Advise_LargeTensorWhereTheKernelOffersHugePages_IsAccepted()
    {
        // Only meaningful where the kernel has transparent huge pages at all; the advice is a no-op elsewhere.
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists(Setting) && !File.ReadAllText(Setting).Contains("[never]"),
            "no transparent huge pages here");
        using var tensor = empty([8, 1024, 1024], ScalarType.Byte);   // 8 MiB

        Assert.True(HugePages.Advise(tensor));
    }

    [Fact]
    public void Advise_SmallTensor_IsLeftAlone()
    {
        using var tensor = empty([1024], ScalarType.Float32);

        Assert.False(HugePages.Advise(tensor));
    }
}
