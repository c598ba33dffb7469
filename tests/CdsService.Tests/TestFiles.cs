namespace CdsService.Tests;

/// <summary>Files under fhir-examples/, copied next to the test assembly.</summary>
internal static class TestFiles
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "fhir-examples", relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The checkout the tests were built from (the folder holding CdsService.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CdsService.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("CdsService.sln was not found above the test directory.");
        }
    }
}
