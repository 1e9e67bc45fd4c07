// Placeholder entry point so the solution (and KefuScore.App.Tests, which references this project) builds;
// the real command line (SPEC §6) replaces it.
await Console.Error.WriteLineAsync("kefu: commands are not wired yet").ConfigureAwait(false);
return 2;
