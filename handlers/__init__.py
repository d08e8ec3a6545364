"""The channel adapters, one subpackage per channel: `telegram`, `terminal`.

An adapter only parses what its platform delivers into calls of the conversation core
(bot.conversation) and draws the replies within its platform's limits; it makes no decision of
its own. Only the command line (bot.cli) starts one.
"""
