using CdsService.Policies;

namespace CdsService.Tests.Policies;

public sealed class NdcTests
{
    [Theory]
    [InlineData("0008-0100-01", "00008010001")] // 4-4-2, as printed on the Besponsa label
    [InlineData("00008-0100-01", "00008010001")] // 5-4-2 billing form, hyphenated
    [InlineData("00008010001", "00008010001")] // 5-4-2 billing form, bare
    [InlineData("12345-678-90", "12345067890")] // 5-3-2
    [InlineData("12345-6789-1", "12345678901")] // 5-4-1
    [InlineData(" 0008-0100-01 ", "00008010001")]
    public void Recognised_formats_become_the_11_digit_form(string ndc, string eleven) =>
        Assert.Equal(eleven, Ndc.ToEleven(ndc));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0008010001")] // bare 10 digits: which segment to pad is ambiguous
    [InlineData("000080100011")]
    [InlineData("0008-0100")]
    [InlineData("0008-01A0-01")]
    [InlineData("0008--01")]
    public void Ambiguous_or_malformed_codes_have_no_11_digit_form(string? ndc) =>
        Assert.Null(Ndc.ToEleven(ndc));

    [Theory]
    [InlineData("0008-0100-01", true)]
    [InlineData("00008-0100-01", true)]
    [InlineData("00008010001", true)]
    [InlineData("0008010001", true)] // bare 10 digits compared with the unhyphenated 4-4-2 original
    [InlineData("0008-0100-02", false)]
    [InlineData("00008-0100-02", false)]
    [InlineData("0008-1000-01", false)]
    [InlineData("0080-1000-10", false)]
    [InlineData(null, false)]
    public void Besponsa_vial_is_matched_in_every_published_format(string? candidate, bool same) =>
        Assert.Equal(same, CdsService.Policies.Besponsa.BesponsaValueSets.Besponsa.Contains(new Hl7.Fhir.Model.Coding("http://hl7.org/fhir/sid/ndc", candidate)));
}
