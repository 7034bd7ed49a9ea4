using TaskOrchestrator.Delivery;

namespace TaskOrchestrator.Grains.Tests.Delivery;

public sealed class ErrorTextTests
{
    [Fact]
    public void Bound_Null_IsNull() => Assert.Null(ErrorText.Bound(null));

    [Fact]
    public void Bound_ShortPlainText_IsUnchanged() =>
        Assert.Equal("Connection refused (127.0.0.1:80) – grüße 😀", ErrorText.Bound("Connection refused (127.0.0.1:80) – grüße 😀"));

    [Fact]
    public void Bound_ControlAndFormatCharacters_AreReplaced() =>
        Assert.Equal("a b  c?[31m?d?e?f?", ErrorText.Bound("a\tb\r\nc\u001b[31m\u0085d\u202ee\u200bf\ud800"));

    [Fact]
    public void Bound_TextAtTheLimit_IsKeptWhole()
    {
        var text = new string('x', ErrorText.MaxLength);

        Assert.Equal(text, ErrorText.Bound(text));
    }

    [Fact]
    public void Bound_LongText_IsCutWithMarker()
    {
        var bounded = ErrorText.Bound(new string('x', 100_000));

        Assert.Equal(ErrorText.MaxLength, bounded!.Length);
        Assert.Equal(new string('x', ErrorText.MaxLength - 3) + "...", bounded);
    }

    [Fact]
    public void Bound_CutInsideSurrogatePair_DropsTheWholeCharacter()
    {
        // The pair straddles the last kept position: neither half is kept, so the result is valid UTF-16.
        var text = new string('x', ErrorText.MaxLength - 4) + "😀" + new string('y', 10);

        var bounded = ErrorText.Bound(text)!;

        Assert.Equal(new string('x', ErrorText.MaxLength - 4) + "...", bounded);
    }
}
