namespace CdsService.IntegrationTests.Fixtures;

/// <summary>Files under fhir-examples/ and ../shared/corpus, as the tests see them.</summary>
internal static class Examples
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "fhir-examples", relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>
    /// The shared corpus: <c>../shared/corpus</c> beside the repository (as on every developer machine and in CI), or
    /// the folder named by the environment variable <c>CDS_CORPUS_DIR</c>.
    /// </summary>
    public static string CorpusDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("CDS_CORPUS_DIR") is { Length: > 0 } configured)
            {
                return configured;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpus");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("../shared/corpus was not found above the test directory; set CDS_CORPUS_DIR to its location.");
        }
    }
}
