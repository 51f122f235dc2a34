/* placeholder: the session context, written by the lead */
