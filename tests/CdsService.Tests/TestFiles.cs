namespace CdsService.Tests;

/// <summary>Files under fhir-examples/, copied next to the test assembly.</summary>
internal static class TestFiles
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "fhir-examples", relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
