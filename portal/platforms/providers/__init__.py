"""allauth providers for DingTalk, Feishu and WeCom sign-in (each package is an installed app, as allauth's own
providers are). DingTalk and Feishu extend allauth's providers; WeCom is written the same way."""
