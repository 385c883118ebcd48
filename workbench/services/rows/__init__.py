"""Row helpers that work inside a service's transaction: they take a Session and never open, commit
or check membership themselves. The use cases that own the transaction are the modules one level up."""
