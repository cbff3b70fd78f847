using Pgward.Cli;

return await PgwardApp.RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None);
