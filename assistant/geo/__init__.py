"""Where the user is: communes, postcodes, départements and coordinates."""
