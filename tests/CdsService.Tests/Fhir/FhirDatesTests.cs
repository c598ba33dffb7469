using CdsService.Fhir;

namespace CdsService.Tests.Fhir;

public sealed class FhirDatesTests
{
    [Theory]
    [InlineData("1980-05-14", "1980-05-14", "1980-05-14")]
    [InlineData("1980-05-14T10:30:00Z", "1980-05-14", "1980-05-14")]
    [InlineData("1980-05", "1980-05-01", "1980-05-31")]
    [InlineData("2024-02", "2024-02-01", "2024-02-29")]
    [InlineData("2025-02", "2025-02-01", "2025-02-28")]
    [InlineData("1980", "1980-01-01", "1980-12-31")]
    public void Bounds_span_every_day_a_partial_date_can_mean(string value, string earliest, string latest)
    {
        var bounds = FhirDates.Bounds(value);

        Assert.Equal((DateOnly.Parse(earliest, null), DateOnly.Parse(latest, null)), bounds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("198")]
    [InlineData("abcd-05-14")]
    public void Bounds_of_a_missing_or_unreadable_date_are_unknown(string? value) =>
        Assert.Null(FhirDates.Bounds(value));

    [Theory]
    [InlineData("2026-11-20", "2026-11-20T00:00:00+00:00")]
    [InlineData("2026-11", "2026-11-01T00:00:00+00:00")]
    [InlineData("2026-11-20T08:10:00+02:00", "2026-11-20T08:10:00+02:00")]
    public void Parse_takes_the_first_moment_of_a_date_without_time(string value, string instant) =>
        Assert.Equal(DateTimeOffset.Parse(instant, null), FhirDates.Parse(value));

    [Fact]
    public void Parse_of_nothing_is_nothing() => Assert.Null(FhirDates.Parse(null));
}
