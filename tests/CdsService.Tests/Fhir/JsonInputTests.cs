using System.Text;
using CdsService.Fhir;

namespace CdsService.Tests.Fhir;

/// <summary>
/// The Unicode check before parsing: its fast scan may only skip the token walk when no string or key can be invalid,
/// so every case that must be reported is reported with its path, and every valid case stays valid.
/// </summary>
public sealed class JsonInputTests
{
    [Theory]
    [InlineData("""{"a":"\uD800"}""", "a")]
    [InlineData("""{"a":["x","\udfff"]}""", "a[1]")]
    [InlineData("""{"a":{"\uDbFf":1}}""", "a.")]
    [InlineData("""{"a":"\ud83d"}""", "a")]
    public void An_unpaired_surrogate_is_found_with_its_path(string json, string pathStart) =>
        Assert.StartsWith(pathStart, JsonInput.FindInvalidText(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"a":"\ud83d\ude00"}""")]
    [InlineData("""{"a":"\\ud800"}""")]
    [InlineData("""{"a":"\u00e9\u4e2d","b":"plain"}""")]
    [InlineData("""not json at all""")]
    public void Valid_text_is_not_reported(string json) =>
        Assert.Null(JsonInput.FindInvalidText(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Invalid_utf8_in_a_string_is_found_with_its_path()
    {
        byte[] json = [.. "{\"hookInstance\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.Equal("hookInstance", JsonInput.FindInvalidText(json));
    }
}
