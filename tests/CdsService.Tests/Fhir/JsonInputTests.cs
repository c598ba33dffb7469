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

    [Theory]
    [InlineData("""{"a":1,"b":2,"a":3}""", false, "$.a")]
    [InlineData("""{"a":1,"\u0061":2}""", false, "$.a")]
    [InlineData("""{"x":[{"k":1},{"k":1,"k":2}]}""", true, "$.x[1].k")]
    [InlineData("""{"x":{"y":{"z":1,"z":1}}}""", true, "$.x.y.z")]
    [InlineData("""{"a0":0,"a1":1,"a2":2,"a3":3,"a4":4,"a5":5,"a6":6,"a7":7,"a8":8,"a9":9,"b0":0,"b1":1,"b2":2,"b3":3,"b4":4,"b5":5,"b6":6,"b9":1,"b9":2}""", false, "$.b9")]
    public void A_key_twice_is_found_with_its_path(string json, bool deep, string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(path, JsonInput.FindDuplicateKey(document.RootElement, "$", deep));
    }

    [Theory]
    [InlineData("""{"x":{"y":{"z":1,"z":1}}}""", false)]
    [InlineData("""{"a":1,"A":2,"ab":3,"b":{"a":1},"c":[{"a":1},{"a":2}]}""", true)]
    [InlineData("""[{"a":1,"a":2}]""", false)]
    public void Distinct_keys_or_a_duplicate_below_a_shallow_check_are_not_reported(string json, bool deep)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Null(JsonInput.FindDuplicateKey(document.RootElement, "$", deep));
    }

    [Fact]
    public void The_parse_refuses_a_key_twice_unless_told_the_reader_checks_what_it_reads()
    {
        var json = Encoding.UTF8.GetBytes("""{"a":{"b":1,"b":2}}""");

        Assert.Contains("duplicate key", Assert.Throws<JsonInputException>(() => JsonInput.Parse(json)).Message, StringComparison.Ordinal);
        using var left = JsonInput.Parse(json, DuplicateKeys.LeftToReader);
        Assert.Equal("$.a.b", JsonInput.FindDuplicateKey(left.RootElement, "$", deep: true));
    }

    [Fact]
    public void The_duplicate_scan_is_linear_whatever_the_key_length()
    {
        // A 200,000-character key over 30,000 objects: building each child's path on the way down allocated
        // key length x items (12 GB here, minutes of CPU); the path is now built only for a hit.
        var json = "{\"" + new string('k', 200_000) + "\":[" + string.Join(',', Enumerable.Repeat("{}", 30_000)) + "]}";
        using var document = System.Text.Json.JsonDocument.Parse(json);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(JsonInput.FindDuplicateKey(document.RootElement, "$", deep: true));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the scan allocated in proportion to key length x items");
    }

    [Fact]
    public void A_key_repeated_in_any_nested_object_is_found()
    {
        using var nested = System.Text.Json.JsonDocument.Parse("""{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","id":"m","resourceType":"Basic"}]}""");
        using var single = System.Text.Json.JsonDocument.Parse("""{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication"}],"note":[{"text":"resourceType"}]}""");

        Assert.True(JsonInput.RepeatsKeyAnywhere(nested.RootElement, "resourceType"u8));
        Assert.False(JsonInput.RepeatsKeyAnywhere(single.RootElement, "resourceType"u8));
    }
}
