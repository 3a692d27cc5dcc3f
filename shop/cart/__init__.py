"""The shopping cart: lines kept in the database, found again through a signed cookie."""
