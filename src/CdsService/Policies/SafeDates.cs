namespace CdsService.Policies;

/// <summary>
/// Calendar arithmetic that saturates at <see cref="DateOnly.MinValue"/> / <see cref="DateOnly.MaxValue"/> instead of
/// throwing, because chart dates such as 0001-01-01 or 9999-12-31 are real input.
/// </summary>
internal static class SafeDates
{
    public static DateOnly AddDays(DateOnly day, int days)
    {
        var target = (long)day.DayNumber + days;
        return target < DateOnly.MinValue.DayNumber ? DateOnly.MinValue
            : target > DateOnly.MaxValue.DayNumber ? DateOnly.MaxValue
            : DateOnly.FromDayNumber((int)target);
    }

    public static DateOnly AddYears(DateOnly day, int years)
    {
        var year = day.Year + years;
        if (year < 1)
        {
            return DateOnly.MinValue;
        }

        return year > 9999 ? DateOnly.MaxValue : day.AddYears(years);
    }
}
