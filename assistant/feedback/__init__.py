"""What the advisors' console reports per topic: conversations, fallbacks, handoffs and users' ratings."""
