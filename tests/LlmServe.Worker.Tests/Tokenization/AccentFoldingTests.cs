using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Tests.Tokenization;

public sealed class AccentFoldingTests
{
    [Theory]
    [InlineData("Ångström café naïve", "Angstrom cafe naive")]
    [InlineData("e\u0301", "e")]                                  // already decomposed: the mark alone is dropped
    [InlineData("İ ǅ ﬁ", "I ǅ ﬁ")]                                // only canonical decompositions, not compatibility ones
    [InlineData("가각", "\u1100\u1161\u1100\u1161\u11A8")]         // Hangul syllables become conjoining jamo
    [InlineData("🐶 中", "🐶 中")]
    public void Fold_StripsNonSpacingMarksAfterCanonicalDecomposition(string text, string expected)
    {
        Assert.Equal(expected, AccentFolding.Fold(text));
    }
}
