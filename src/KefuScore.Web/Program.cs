// The server: `dotnet run --project src/KefuScore.Web [--urls …]` (or `kefu serve`).
return await KefuScore.Web.KefuWebHost.RunAsync(args);
